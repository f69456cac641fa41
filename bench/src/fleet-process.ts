import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exited, forkTs, hasExited, nextChildMessage, stopChild } from './children.js';
import type { ProcessWindow } from './fleet/merge-windows.js';
import {
  emptyFleetStatus,
  FLEET_CONFIG_ENV,
  type FleetConfig,
  type FleetStatus,
  type FleetToParent,
  isFleetToParent,
  type ParentToFleet,
} from './fleet/messages.js';
import { OutputTail } from './output-tail.js';

const WORKER = fileURLToPath(new URL('./fleet/worker.ts', import.meta.url));

/** The parent's handle on one bot process of the fleet. */
export class FleetProcess {
  private latest: FleetStatus = emptyFleetStatus();
  private readonly output = new OutputTail();
  private readonly waiters = new Set<(msg: FleetToParent | null) => void>();
  private fatal: string | null = null;

  private constructor(private readonly child: ChildProcess) {
    this.output.attach(child.stdout);
    this.output.attach(child.stderr);
    child.on('message', (msg: unknown) => {
      if (!isFleetToParent(msg)) return;
      if (msg.type === 'status') this.latest = msg;
      if (msg.type === 'fatal') this.fatal = msg.message;
      for (const w of [...this.waiters]) w(msg);
    });
    child.once('exit', () => {
      for (const w of [...this.waiters]) w(null);
    });
  }

  /** With `profileDir`, the fleet writes a V8 CPU profile there when it exits. */
  static start(config: FleetConfig, profileDir: string | null = null): FleetProcess {
    const child = forkTs(
      WORKER,
      { ...process.env, [FLEET_CONFIG_ENV]: JSON.stringify(config) },
      profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    );
    return new FleetProcess(child);
  }

  get status(): FleetStatus {
    return this.latest;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get exited(): boolean {
    return hasExited(this.child);
  }

  /** Resolves once `count` bots are in the sector; rejects on timeout, abort or a dead fleet. */
  async waitForJoined(count: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.latest.joined >= count) return;
    await this.next(
      (m) => m.type === 'status' && m.joined >= count,
      timeoutMs,
      signal,
      `${count} bots to join`,
    );
  }

  async beginMeasure(signal: AbortSignal): Promise<void> {
    const begun = this.next((m) => m.type === 'measure-begun', 5000, signal, 'the fleet to start measuring');
    this.send({ type: 'measure-begin' });
    await begun;
  }

  async endMeasure(signal: AbortSignal): Promise<ProcessWindow> {
    const result = this.next((m) => m.type === 'result', 15_000, signal, 'the fleet to report');
    this.send({ type: 'measure-end' });
    const msg = await result;
    if (msg.type !== 'result') throw new Error('unexpected fleet message');
    return { stats: msg.stats, latency: msg.latency };
  }

  /** Asks the fleet to close its bots (they leave the sector cleanly), then makes sure it is gone. */
  async stop(): Promise<void> {
    if (hasExited(this.child)) return;
    this.send({ type: 'stop' });
    const timer = setTimeout(() => void stopChild(this.child), 5000);
    await exited(this.child);
    clearTimeout(timer);
  }

  private send(msg: ParentToFleet): void {
    if (this.child.connected) this.child.send(msg);
  }

  private next(
    match: (msg: FleetToParent) => boolean,
    timeoutMs: number,
    signal: AbortSignal,
    what: string,
  ): Promise<FleetToParent> {
    return nextChildMessage(this.child, this.waiters, match, {
      timeoutMs,
      signal,
      what,
      who: 'the bot fleet',
      describe: () => this.describe(),
    });
  }

  private describe(): string {
    const s = this.latest;
    const parts = [
      ` (joined ${s.joined}, connecting ${s.connecting}, reconnecting ${s.reconnecting}, failed ${s.failed})`,
    ];
    if (s.lastError) parts.push(`\nlast error: ${s.lastError}`);
    if (this.fatal) parts.push(`\n${this.fatal}`);
    const out = this.output.text();
    if (out) parts.push(`\nfleet output:\n${out}`);
    return parts.join('');
  }
}
