import { TuningApi } from '../designer/tuning-api.js';
import { TuningPanel } from '../designer/tuning-panel.js';
import { el } from '../game/hud/dom.js';
import { ContentState } from '../session/content-state.js';

/** How often the content in force is read while the panel is open (a page gets it pushed; the console polls). */
const POLL_MS = 3000;

/**
 * Live tuning in the console: the game's own tuning panel (the same fields, checks, audit list and
 * revert), fed from GET /api/tuning instead of the game connection a page has. Changes go through
 * the tuning API, which stores each one with who made it.
 */
export class TuningSection {
  readonly root = el('section', 'hud-card admin-card admin-tuning');
  private readonly state = new ContentState(() => {});
  private readonly api: TuningApi;
  private readonly note = el('p', 'admin-note');
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(accessToken: () => Promise<string>) {
    this.root.dataset.testid = 'admin-tuning';
    this.api = new TuningApi('', accessToken);
    const panel = new TuningPanel(this.api, this.state);
    panel.toggle.textContent = 'Open the tuning panel';
    panel.toggle.addEventListener('click', () => this.watch(!panel.root.hidden));
    this.root.append(el('h2', 'admin-card-title', 'Tuning'), this.note, panel.toggle, panel.root);
    void this.read();
  }

  stop(): void {
    this.watch(false);
  }

  private watch(on: boolean): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = on ? setInterval(() => void this.read(), POLL_MS) : null;
  }

  private async read(): Promise<void> {
    const answer = await this.api.state();
    if (!answer.ok) {
      this.note.textContent =
        answer.status === 404 ? 'Live tuning is off on this server (TUNING=off).' : answer.message;
      return;
    }
    this.note.textContent = `Content version ${answer.value.version}`;
    this.state.receive('content', { version: answer.value.version, content: answer.value.content });
    this.state.receive('content:problem', answer.value.problem);
  }
}
