/** How a toast is coloured: plain news, a refusal, good news, or a warning. */
export type ToastTone = 'info' | 'error' | 'good' | 'warning';

export interface Toast {
  id: number;
  text: string;
  tone: ToastTone;
  /** performance.now() when it appeared. */
  at: number;
  durationMs: number;
}

const DEFAULT_DURATION_MS = 5000;
/** Older toasts make room: more than a few at once is noise. */
const MAX_TOASTS = 4;

/**
 * Short-lived messages over the game (a refused build, a fresh notification). They live with the
 * session, so a hot-reloaded HUD shows the same toasts for the rest of their time, not again.
 */
export class Toasts {
  private list: Toast[] = [];
  private nextId = 1;

  push(text: string, tone: ToastTone = 'info', durationMs = DEFAULT_DURATION_MS): void {
    this.list.push({ id: this.nextId++, text, tone, at: performance.now(), durationMs });
    if (this.list.length > MAX_TOASTS) this.list = this.list.slice(-MAX_TOASTS);
  }

  /** The toasts still showing at `now` (performance.now()), oldest first. */
  active(now: number): readonly Toast[] {
    if (this.list.some((t) => now - t.at >= t.durationMs)) {
      this.list = this.list.filter((t) => now - t.at < t.durationMs);
    }
    return this.list;
  }
}
