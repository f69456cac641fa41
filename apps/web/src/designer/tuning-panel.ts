import { contentSchema, leafAt, withValue } from '@perihelion/game';
import type { TuningChange, TuningValue } from '@perihelion/protocol';
import { el } from '../game/hud/dom.js';
import type { ContentState } from '../session/content-state.js';
import type { TuningApi } from './tuning-api.js';
import { type TuningField, tuningGroups } from './tuning-fields.js';
import './tuning-panel.css';

/** One field's controls. */
interface Row {
  field: TuningField;
  input: HTMLInputElement;
  slider: HTMLInputElement | null;
  error: HTMLElement;
  root: HTMLElement;
}

/**
 * Keys typed into the panel are numbers, not flight controls: Phaser (on the window) never sees
 * them. Enter commits the value and Escape leaves it; either hands the keys back to the ship, so
 * the designer can fly with the new value at once.
 */
function keepKeys(node: HTMLElement): void {
  node.addEventListener('keydown', (event) => {
    event.stopPropagation();
    if (event.key === 'Escape' || event.key === 'Enter') (event.target as HTMLElement).blur();
  });
}

/**
 * The tuning panel: the main numbers of the content with sliders and inputs. A committed value
 * (a slider let go, Enter or leaving an input) is checked with the game's own schema here, then
 * sent to the server, which checks it again, applies it to the sector for everyone and keeps it
 * in its audit log; the panel shows the values in force as the server sends them. The log lists
 * who changed what, with a revert button; a development server can also write the tuned values
 * back into the content files.
 */
export class TuningPanel {
  readonly toggle = el('button', 'tuning-toggle', 'Tune');
  readonly root = el('aside', 'tuning-panel');
  private readonly rows = new Map<string, Row>();
  private readonly status = el('p', 'tuning-status');
  private readonly history = el('ol', 'tuning-history');
  private readonly writeBack = el('button', 'tuning-button', 'Save to content files');
  private tuned: Record<string, TuningValue> = {};

  constructor(
    private readonly api: TuningApi,
    private readonly state: ContentState,
  ) {
    this.toggle.type = 'button';
    this.toggle.dataset.testid = 'tuning-toggle';
    this.toggle.title = 'Tune the game live';
    this.toggle.addEventListener('click', () => {
      this.toggle.blur();
      this.setOpen(this.root.hidden === true);
    });
    this.root.dataset.testid = 'tuning-panel';
    this.root.hidden = true;
    keepKeys(this.root);
    this.writeBack.type = 'button';
    this.writeBack.dataset.testid = 'tuning-write-back';
    this.writeBack.hidden = true;
    this.writeBack.addEventListener('click', () => void this.saveToFiles());
    this.build();
    state.watch(() => this.showValues());
  }

  private setOpen(open: boolean): void {
    this.root.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    if (open) void this.refresh();
  }

  private build(): void {
    const head = el('header', 'tuning-head');
    head.append(
      el('h2', 'tuning-title', 'Live tuning'),
      el('p', 'tuning-hint', 'Applies to everyone in the game at once.'),
    );
    const body = el('div', 'tuning-body');
    for (const group of tuningGroups(this.state.content)) {
      const section = el('section', 'tuning-group');
      section.append(el('h3', 'tuning-group-title', group.title));
      for (const field of group.fields) section.append(this.buildRow(field).root);
      body.append(section);
    }
    const foot = el('footer', 'tuning-foot');
    this.history.dataset.testid = 'tuning-history';
    this.status.dataset.testid = 'tuning-status';
    foot.append(this.status, this.writeBack, el('h3', 'tuning-group-title', 'Changes'), this.history);
    this.root.append(head, body, foot);
    this.showValues();
  }

  private buildRow(field: TuningField): Row {
    const root = el('label', 'tuning-row');
    const input = el('input', 'tuning-input');
    input.dataset.testid = `tuning-input-${field.path}`;
    input.name = field.path;
    const error = el('span', 'tuning-error');
    error.dataset.testid = `tuning-error-${field.path}`;
    let slider: HTMLInputElement | null = null;
    if (field.kind === 'boolean') {
      input.type = 'checkbox';
      input.addEventListener('change', () => void this.commit(row, input.checked));
      root.append(el('span', 'tuning-label', field.label), input, error);
    } else {
      input.type = 'number';
      input.step = String(field.step ?? 'any');
      slider = el('input', 'tuning-slider');
      slider.type = 'range';
      slider.min = String(field.min ?? 0);
      slider.max = String(field.max ?? 100);
      slider.step = String(field.step ?? 1);
      const range = slider;
      range.addEventListener('input', () => {
        input.value = range.value;
      });
      range.addEventListener('change', () => void this.commit(row, Number(range.value)));
      input.addEventListener('change', () => void this.commit(row, Number(input.value)));
      root.append(el('span', 'tuning-label', field.label), range, input, error);
    }
    const row: Row = { field, input, slider, error, root };
    this.rows.set(field.path, row);
    return row;
  }

  /** The values in force, except where the designer is typing. */
  private showValues(): void {
    const content = this.state.content;
    for (const row of this.rows.values()) {
      const value = leafAt(content, row.field.path);
      row.root.dataset.tuned = String(Object.hasOwn(this.tuned, row.field.path));
      if (value === null || document.activeElement === row.input) continue;
      if (row.field.kind === 'boolean') row.input.checked = value === true;
      else {
        row.input.value = String(value);
        if (row.slider && document.activeElement !== row.slider) row.slider.value = String(value);
      }
    }
  }

  private async commit(row: Row, value: TuningValue): Promise<void> {
    const path = row.field.path;
    if (typeof value === 'number' && !Number.isFinite(value)) return this.showError(row, 'enter a number');
    if (leafAt(this.state.content, path) === value) return this.showError(row, '');
    // The game's own schema first: an impossible value never leaves the page.
    const checked = contentSchema.safeParse(withValue(this.state.content, path, value));
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const at = issue?.path.map(String).join('.') ?? '';
      return this.showError(
        row,
        at === path || !issue ? (issue?.message ?? 'invalid') : `${at}: ${issue.message}`,
      );
    }
    this.showError(row, '');
    this.status.textContent = `Applying ${path} = ${value}…`;
    const answer = await this.api.set({ [path]: value });
    if (!answer.ok) {
      this.showError(row, answer.issues.map((i) => `${i.path}: ${i.message}`).join('; ') || answer.message);
      this.status.textContent = answer.message;
      this.showValues();
      return;
    }
    this.status.textContent = `${path} = ${value}, for everyone`;
    await this.refresh();
  }

  private showError(row: Row, message: string): void {
    row.error.textContent = message;
    row.root.dataset.invalid = String(message !== '');
  }

  /** The tuned values and the change log, from the server. */
  private async refresh(): Promise<void> {
    const answer = await this.api.state();
    if (!answer.ok) {
      this.status.textContent = answer.message;
      return;
    }
    this.tuned = answer.value.tuned;
    this.writeBack.hidden = !answer.value.canWriteBack;
    this.writeBack.disabled = Object.keys(this.tuned).length === 0;
    this.history.replaceChildren(...answer.value.changes.slice(0, 12).map((c) => this.historyItem(c)));
    this.showValues();
  }

  private historyItem(change: TuningChange): HTMLElement {
    const item = el('li', 'tuning-change');
    item.dataset.testid = `tuning-change-${change.id}`;
    const when = new Date(change.at).toLocaleTimeString();
    const what = change.edits.map((e) => `${e.path} ${String(e.before)} → ${String(e.after)}`).join(', ');
    const revert = el('button', 'tuning-revert', 'Revert');
    revert.type = 'button';
    revert.dataset.testid = `tuning-revert-${change.id}`;
    revert.addEventListener('click', async () => {
      revert.blur();
      const answer = await this.api.revert(change);
      this.status.textContent = answer.ok ? `Reverted #${change.id}` : answer.message;
      await this.refresh();
    });
    item.append(
      el(
        'span',
        'tuning-change-head',
        `#${change.id} ${when} ${change.by.name}${change.note ? ` (${change.note})` : ''}`,
      ),
      el('span', 'tuning-change-what', what || 'no value changed'),
      revert,
    );
    return item;
  }

  private async saveToFiles(): Promise<void> {
    this.writeBack.blur();
    const answer = await this.api.writeBack();
    this.status.textContent = answer.ok ? 'Saved to the content files' : answer.message;
    await this.refresh();
  }
}
