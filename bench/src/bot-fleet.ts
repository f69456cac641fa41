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
    return new BotFleet(processes, shares);
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
