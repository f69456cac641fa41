/** setTimeout with bookkeeping, so a closed client leaves no timer behind. */
export class Timers {
  private readonly live = new Set<ReturnType<typeof setTimeout>>();

  later(ms: number, action: () => void): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.live.delete(timer);
      action();
    }, ms);
    this.live.add(timer);
    return timer;
  }

  cancel(timer: ReturnType<typeof setTimeout>): void {
    clearTimeout(timer);
    this.live.delete(timer);
  }

  clear(): void {
    for (const timer of this.live) clearTimeout(timer);
    this.live.clear();
  }
}
