import type { QaWorldEvent } from '@perihelion/protocol';
import { el, setData, setText } from './dom.js';

/**
 * A banner across the top while a world event is announced or running, with its live countdown:
 * amber while it is coming, red while it happens.
 */
export class WorldEventBanner {
  readonly root: HTMLElement;
  private readonly text: HTMLElement;

  constructor() {
    this.root = el('div', 'hud-card hud-event');
    // Not a live region: a countdown read out every second would drown everything else.
    this.root.setAttribute('aria-live', 'off');
    this.text = el('span', 'hud-event-text');
    this.root.append(el('span', 'hud-event-icon', '⚠'), this.text);
    setData(this.root, 'open', 'false');
  }

  update(event: QaWorldEvent | null): void {
    setData(this.root, 'open', event ? 'true' : 'false');
    if (!event) return;
    setData(this.root, 'phase', event.phase);
    setText(this.text, event.text);
  }
}
