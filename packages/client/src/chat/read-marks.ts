import type { Timers } from './timers.js';

/**
 * Read marks on their way to the server, coalesced: at most one round of `channel:read` per
 * microtask and per interval, each with the newest mark per channel, so a UI may mark a channel
 * read on every frame. A mark that cannot go yet (offline, channel not resumed on this connection)
 * waits until `flush()` is asked for again.
 */
export class ReadMarks {
  private readonly marks = new Map<string, number>();
  private due = false;
  private busy = false;

  constructor(
    /** Sends one mark; false when it cannot go now (it is kept). */
    private readonly send: (channel: string, upTo: number) => boolean,
    private readonly intervalMs: number,
    private readonly timers: Timers,
  ) {}

  set(channel: string, upTo: number): void {
    this.marks.set(channel, upTo);
    this.flush();
  }

  has(channel: string): boolean {
    return this.marks.has(channel);
  }

  forget(channel: string): void {
    this.marks.delete(channel);
  }

  /** Sends what is due (coalesced): after a mark, or when a channel becomes able to take its mark. */
  flush(): void {
    this.due = true;
    if (this.busy) return;
    this.busy = true;
    queueMicrotask(() => this.sendDue());
  }

  private sendDue(): void {
    if (!this.due) {
      this.busy = false;
      return;
    }
    this.due = false;
    let sent = false;
    for (const [channel, upTo] of this.marks) {
      if (!this.send(channel, upTo)) continue;
      this.marks.delete(channel);
      sent = true;
    }
    // Stay busy for the interval after sending: marks made meanwhile go together at its end.
    if (sent && this.intervalMs > 0) this.timers.later(this.intervalMs, () => this.sendDue());
    else this.busy = false;
  }
}
