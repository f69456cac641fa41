import type { BotKind } from './fleet/fleet-bot.js';
import { mergeWindows } from './fleet/merge-windows.js';
import { emptyFleetStatus, type FleetStatus, type FleetWindowStats } from './fleet/messages.js';
import { FleetProcess } from './fleet-process.js';

export interface BotFleetOptions {
  url: string;
  sector: string;
  kind: BotKind;
  bots: number;
  /** Bot processes; the bots are shared out evenly. */
  processes: number;
  /** For the whole fleet; each process ramps up at its share. */
  connectPerSecond: number;
  /** With a directory, each process writes a V8 CPU profile there when it exits. */
  profileDir: string | null;
}

/**
 * The bots of one crowd run, spread over several child processes (so a fleet larger than one core
 * can fly is not limited by its own event loop): starts them, sums their status, measures one
 * window in all of them, merges what they saw, and stops them all.
 */
export class BotFleet {
  private constructor(
    private readonly processes: readonly FleetProcess[],
    private readonly shares: readonly number[],
    private readonly bots: number,
  ) {}

  static start(opts: BotFleetOptions): BotFleet {
    const count = Math.max(1, Math.min(opts.processes, opts.bots));
    const shares = Array.from(
      { length: count },
      (_, i) => Math.floor(opts.bots / count) + (i < opts.bots % count ? 1 : 0),
    );
    let firstIndex = 1;
    const processes = shares.map((bots) => {
      const process = FleetProcess.start(
        {
          url: opts.url,
          sector: opts.sector,
          kind: opts.kind,
          bots,
          firstIndex,
          connectPerSecond: Math.max(1, Math.round((opts.connectPerSecond * bots) / opts.bots)),
        },
        opts.profileDir,
      );
      firstIndex += bots;
      return process;
    });
    return new BotFleet(processes, shares, opts.bots);
  }

  get status(): FleetStatus {
    const total = emptyFleetStatus();
    for (const p of this.processes) {
      const s = p.status;
      total.connecting += s.connecting;
      total.joined += s.joined;
      total.reconnecting += s.reconnecting;
      total.failed += s.failed;
      total.lastError ??= s.lastError;
    }
    return total;
  }

  /** Resolves once every process has all its bots in the sector; rejects on timeout, abort or a dead process. */
  async waitForJoined(timeoutMs: number, signal: AbortSignal): Promise<void> {
    await Promise.all(this.processes.map((p, i) => p.waitForJoined(this.shares[i]!, timeoutMs, signal)));
  }

  /**
   * Like `waitForJoined`, but a fleet only partly in when the time is up is measured as it is: a
   * saturated server admits the rest too slowly, and how far it got is the result. Returns a note
   * saying so (null when every bot joined). Still rejects on abort, a dead process, or no bot in.
   */
  async waitForJoinedOrPartial(timeoutMs: number, signal: AbortSignal): Promise<string | null> {
    try {
      await this.waitForJoined(timeoutMs, signal);
      return null;
    } catch (err) {
      signal.throwIfAborted();
      const s = this.status;
      if (s.joined === 0 || this.processes.some((p) => p.exited)) throw err;
      return (
        `only ${s.joined} of ${this.bots} bots had joined after ${Math.round(timeoutMs / 1000)} s ` +
        `(${s.connecting} connecting, ${s.reconnecting} reconnecting, ${s.failed} failed); the window measured those`
      );
    }
  }

  async beginMeasure(signal: AbortSignal): Promise<void> {
    await Promise.all(this.processes.map((p) => p.beginMeasure(signal)));
  }

  async endMeasure(signal: AbortSignal): Promise<FleetWindowStats> {
    return mergeWindows(await Promise.all(this.processes.map((p) => p.endMeasure(signal))));
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
  }
}
