/**
 * Backoff for the reconnects Socket.IO does not do by itself (the server closed the connection,
 * or refused it for a reason that may pass). Doubles per attempt up to a ceiling, with jitter so
 * a restarted server is not hit by every client in the same millisecond.
 */
export class RetryTimer {
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  get pending(): boolean {
    return this.timer !== null;
  }

  /**
   * Runs `action` after the next backoff delay (or `atLeastMs`, when the server said how long to
   * wait), unless a retry is already scheduled.
   */
  schedule(action: () => void, atLeastMs = 0): void {
    if (this.timer !== null) return;
    const backoff = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt) * (0.5 + Math.random());
    const delay = Math.max(backoff, atLeastMs);
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = null;
      action();
    }, delay);
  }

  /** A connection worked: the next trouble starts from the short delay again. */
  succeeded(): void {
    this.attempt = 0;
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
