import type { Toast } from '../../session/toasts.js';
import { el } from './dom.js';

/**
 * Short messages over the bottom of the screen, newest at the bottom. Each toast is one element
 * for its whole life (added when it appears, removed when it expires), so screen readers announce
 * it once through the live region.
 */
export class ToastStack {
  readonly root: HTMLElement;
  private readonly shown = new Map<number, HTMLElement>();

  constructor() {
    this.root = el('div', 'hud-toasts');
    this.root.setAttribute('role', 'status');
    this.root.setAttribute('aria-live', 'polite');
  }

  update(toasts: readonly Toast[]): void {
    const live = new Set<number>();
    for (const toast of toasts) {
      live.add(toast.id);
      if (this.shown.has(toast.id)) continue;
      const node = el('div', 'hud-toast', toast.text);
      node.dataset.tone = toast.tone;
      // The fade-out starts where the toast's time ends, even after a hot reload re-created it.
      const remaining = Math.max(0, toast.durationMs - (performance.now() - toast.at));
      node.style.setProperty('--toast-fade-at', `${Math.max(0, remaining - 400)}ms`);
      this.shown.set(toast.id, node);
      this.root.append(node);
    }
    for (const [id, node] of this.shown) {
      if (live.has(id)) continue;
      node.remove();
      this.shown.delete(id);
    }
  }
}
