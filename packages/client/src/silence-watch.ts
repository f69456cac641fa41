/**
 * How long a joined game connection may bring no snapshot before it is taken for dead. Snapshots
 * come 15–20 times a second, so this is a network that went silent without closing (a dropped
 * Wi-Fi, a sleeping laptop, a NAT that forgot the flow), not a slow one; the transport's own
 * heartbeat would notice only after its interval plus timeout (45 s by default).
 */
export const SILENT_CONNECTION_MS = 5000;
const CHECK_EVERY_MS = 1000;

/**
 * Watches a joined connection for silence: `heard()` on every snapshot; once nothing has been
 * heard for `limitMs`, `onSilent` runs (once per start) so the connection can be reopened.
 */
export class SilenceWatch {
  private lastHeard = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly onSilent: () => void,
    private readonly limitMs = SILENT_CONNECTION_MS,
    private readonly now: () => number = () => globalThis.performance.now(),
  ) {}

  start(): void {
    this.stop();
    this.lastHeard = this.now();
    this.timer = setInterval(
      () => {
        if (this.now() - this.lastHeard < this.limitMs) return;
        this.stop();
        this.onSilent();
      },
      Math.min(CHECK_EVERY_MS, this.limitMs),
    );
  }

  heard(): void {
    this.lastHeard = this.now();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
