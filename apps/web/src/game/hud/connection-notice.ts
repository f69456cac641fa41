import { el, setData, setText } from './dom.js';
import type { HudModel } from './hud-model.js';

interface Notice {
  tone: 'waiting' | 'warning' | 'error' | 'muted' | 'standby';
  title: string;
  detail: string;
  /** A button on the card (only standby has one: fly from this tab). */
  action?: string;
}

/**
 * Covers the game whenever it is not live: "connecting…", a clear "reconnecting…" while the SDK
 * retries on its own, "you are flying in another tab" with a button to fly here instead, or an
 * error card when the server refused us for good. It is a live region, so screen readers announce
 * each change too.
 */
export class ConnectionNotice {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly action: HTMLButtonElement;

  constructor(takeHelm: () => void) {
    this.root = el('div', 'hud-notice');
    this.root.setAttribute('role', 'status');
    this.root.setAttribute('aria-live', 'polite');
    this.title = el('h2', 'hud-notice-title');
    this.detail = el('p', 'hud-notice-detail');
    this.action = el('button', 'hud-notice-action');
    this.action.type = 'button';
    this.action.hidden = true;
    this.action.addEventListener('click', () => {
      // Keys belong to the game again: a focused button would also "click" on Space.
      this.action.blur();
      takeHelm();
    });
    const card = el('div', 'hud-card hud-notice-card');
    card.append(el('div', 'hud-notice-icon'), this.title, this.detail, this.action);
    this.root.append(card);
    setData(this.root, 'open', 'false');
  }

  update(model: HudModel): void {
    const notice = describe(model);
    setData(this.root, 'open', notice ? 'true' : 'false');
    if (!notice) return;
    setData(this.root, 'tone', notice.tone);
    setText(this.title, notice.title);
    setText(this.detail, notice.detail);
    const hidden = notice.action === undefined;
    if (this.action.hidden !== hidden) this.action.hidden = hidden;
    setText(this.action, notice.action ?? '');
  }
}

function describe(model: HudModel): Notice | null {
  switch (model.status) {
    case 'connected':
      return null;
    case 'connecting':
      return { tone: 'waiting', title: 'Connecting…', detail: `Joining sector ${model.sector}` };
    case 'standby':
      return {
        tone: 'standby',
        title: 'You are flying in another tab',
        detail: 'Your ship follows your other tab. Notifications still arrive here.',
        action: 'Fly here (H)',
      };
    case 'reconnecting':
      return {
        tone: 'warning',
        title: 'Reconnecting…',
        detail: `Lost the connection. Retrying by itself; you will be back in sector ${model.sector}.`,
      };
    case 'failed': {
      if (model.error?.code === 'KICKED') {
        return {
          tone: 'error',
          title: 'Removed from the game',
          detail: `${model.error.message} Reload the page to play again.`,
        };
      }
      const reason = model.error ? `${model.error.message} (${model.error.code})` : 'The server refused us.';
      return { tone: 'error', title: 'Could not join', detail: `${reason} Reload the page to try again.` };
    }
    case 'closed':
      return {
        tone: 'muted',
        title: 'Disconnected',
        detail: 'You left the sector. Reload the page to fly again.',
      };
  }
}
