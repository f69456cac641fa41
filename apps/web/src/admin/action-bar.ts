import { el } from '../game/hud/dom.js';

/** An action an operator is about to take: what it is, and what it needs typed in, if anything. */
export interface PendingAction {
  title: string;
  /** A text to type (a message, a reason); none for a plain confirmation. */
  input?: { placeholder: string; required: boolean };
  confirm: string;
  /** Carries the action out; resolves with the sentence to show (or throws nothing: errors are sentences too). */
  run(text: string): Promise<string>;
}

/**
 * The one place where an action is confirmed: a row's button (Kick, Message, Trigger raid, Drain)
 * opens it with what will happen, an input when the action takes text, and a confirm button.
 * Nothing an operator clicks in a table acts at once.
 */
export class ActionBar {
  readonly root = el('form', 'admin-action-bar');
  private readonly title = el('span', 'admin-action-title');
  private readonly input = el('input', 'admin-input');
  private readonly confirm = el('button', 'admin-button admin-button-primary');
  private readonly cancel = el('button', 'admin-button', 'Cancel');
  private pending: PendingAction | null = null;

  constructor(private readonly report: (sentence: string, ok: boolean) => void) {
    this.root.dataset.testid = 'admin-action-bar';
    this.root.hidden = true;
    this.input.dataset.testid = 'admin-action-text';
    this.input.maxLength = 500;
    this.confirm.type = 'submit';
    this.confirm.dataset.testid = 'admin-action-confirm';
    this.cancel.type = 'button';
    this.cancel.addEventListener('click', () => this.close());
    this.root.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    this.root.append(this.title, this.input, this.confirm, this.cancel);
  }

  open(action: PendingAction): void {
    this.pending = action;
    this.title.textContent = action.title;
    this.confirm.textContent = action.confirm;
    this.confirm.disabled = false;
    this.input.hidden = !action.input;
    this.input.value = '';
    this.input.placeholder = action.input?.placeholder ?? '';
    this.input.required = action.input?.required ?? false;
    this.root.hidden = false;
    (action.input ? this.input : this.confirm).focus();
  }

  close(): void {
    this.pending = null;
    this.root.hidden = true;
  }

  private async submit(): Promise<void> {
    const action = this.pending;
    if (!action) return;
    const value = this.input.value.trim();
    if (action.input?.required && !value) return;
    this.confirm.disabled = true;
    try {
      this.report(await action.run(value), true);
      this.close();
    } catch (err) {
      this.report(err instanceof Error ? err.message : String(err), false);
      this.confirm.disabled = false;
    }
  }
}
