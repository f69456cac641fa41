import { ConnectionNotice } from './connection-notice.js';
import { el } from './dom.js';
import type { HudModel } from './hud-model.js';
import { StatusCard } from './status-card.js';
import './hud.css';

const CONTROLS_HINT = 'W / ↑ thrust · A D / ← → turn · S / ↓ brake';

/**
 * The HUD's words live in the DOM, over the canvas: crisp at any pixel density, cheap to draw on
 * every renderer, and readable by screen readers and tests alike (canvas pixels are neither).
 */
export class DomHud {
  private readonly root: HTMLElement;
  private readonly status = new StatusCard();
  private readonly notice = new ConnectionNotice();

  constructor(parent: HTMLElement) {
    this.root = el('div', 'hud');
    this.root.append(this.status.root, el('p', 'hud-hint', CONTROLS_HINT), this.notice.root);
    parent.append(this.root);
  }

  update(model: HudModel): void {
    this.status.update(model);
    this.notice.update(model);
  }

  destroy(): void {
    this.root.remove();
  }
}
