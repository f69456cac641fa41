import { ConnectionNotice } from './connection-notice.js';
import { el } from './dom.js';
import type { HudModel } from './hud-model.js';
import { NotificationPanel } from './notification-panel.js';
import { StatusCard } from './status-card.js';
import { ToastStack } from './toast-stack.js';
import { WorldEventBanner } from './world-event-banner.js';
import './hud.css';
import './hud-universe.css';

const CONTROLS_HINT = 'W / ↑ thrust · A D / ← → turn · S / ↓ brake · Enter chat';

/** What the HUD's buttons can do. */
export interface HudActions {
  takeHelm(): void;
}

/**
 * The HUD's words live in the DOM, over the canvas: crisp at any pixel density, cheap to draw on
 * every renderer, and readable by screen readers and tests alike (canvas pixels are neither).
 */
export class DomHud {
  private readonly root: HTMLElement;
  private readonly status = new StatusCard();
  private readonly event = new WorldEventBanner();
  private readonly notifications = new NotificationPanel();
  private readonly toasts = new ToastStack();
  private readonly notice: ConnectionNotice;
  private readonly buildHelp: HTMLElement;

  constructor(parent: HTMLElement, actions: HudActions, buildHelp: string) {
    this.notice = new ConnectionNotice(() => actions.takeHelm());
    this.root = el('div', 'hud');
    const hints = el('div', 'hud-hints');
    this.buildHelp = el('p', 'hud-hint', buildHelp);
    hints.append(this.buildHelp, el('p', 'hud-hint', CONTROLS_HINT));
    this.root.append(
      this.status.root,
      this.event.root,
      this.notifications.root,
      this.toasts.root,
      hints,
      this.notice.root,
    );
    parent.append(this.root);
  }

  /** Adds a part that lives beside the HUD's own (the chat panel), under the connection notice. */
  mount(part: HTMLElement): void {
    this.root.insertBefore(part, this.notice.root);
  }

  /** The prices change when the server's content arrives (it may differ from the page's own). */
  setBuildHelp(text: string): void {
    if (this.buildHelp.textContent !== text) this.buildHelp.textContent = text;
  }

  update(model: HudModel): void {
    this.status.update(model);
    this.event.update(model.worldEvent);
    this.notifications.update(model.notifications, model.notificationsOpen);
    this.toasts.update(model.toasts);
    this.notice.update(model);
  }

  destroy(): void {
    this.root.remove();
  }
}
