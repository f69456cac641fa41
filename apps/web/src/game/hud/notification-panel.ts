import type { ShownNotification } from '../../session/universe-state.js';
import { el, setData, setText } from './dom.js';

/**
 * The notification log, top right under the sector map: everything the server told this player
 * since the page loaded, newest last. N folds it to its title (it still counts what arrives).
 */
export class NotificationPanel {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly list: HTMLElement;
  private rendered: readonly ShownNotification[] = [];

  constructor() {
    this.root = el('section', 'hud-card hud-notifications');
    this.root.setAttribute('aria-label', 'Notifications');
    this.title = el('h2', 'hud-notifications-title');
    this.list = el('ol', 'hud-notifications-list');
    this.root.append(this.title, this.list);
  }

  update(notifications: readonly ShownNotification[], open: boolean): void {
    setData(this.root, 'open', open ? 'true' : 'false');
    setData(this.root, 'empty', notifications.length === 0 ? 'true' : 'false');
    const count = notifications.length;
    setText(this.title, `Notifications${count > 0 ? ` (${count})` : ''} · N ${open ? 'hide' : 'show'}`);
    if (notifications === this.rendered) return;
    this.rendered = notifications;
    this.list.replaceChildren(...notifications.map(item));
    if (count === 0) this.list.append(el('li', 'hud-notification hud-notification-empty', 'Nothing yet'));
    // Newest last, and in view.
    this.list.scrollTop = this.list.scrollHeight;
  }
}

function item(n: ShownNotification): HTMLElement {
  const li = el('li', 'hud-notification');
  li.dataset.kind = n.kind;
  const time = el('time', 'hud-notification-time', clockTime(n.at));
  time.dateTime = new Date(n.at).toISOString();
  li.append(time, el('span', 'hud-notification-text', n.text));
  return li;
}

function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
