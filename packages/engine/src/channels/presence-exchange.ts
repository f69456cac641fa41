import { PRESENCE_LIST_MAX, type PresenceEntry, presenceEntrySchema } from '@perihelion/protocol';
import { z } from 'zod';
import { type Bus, busTopic, type Unsubscribe } from '../cluster/bus.js';
import type { PresenceChangeEvent, PresenceSnapshot } from './channel-presence.js';
import { PresenceMerge, type PresenceSummary } from './presence-merge.js';

const summarySchema = z.object({
  channel: z.string().min(1),
  players: z.array(presenceEntrySchema).max(PRESENCE_LIST_MAX),
  count: z.number().int().min(0),
});

/**
 * Nodes' summaries of the presence they hold, one per channel batch (never one per join), or all
 * of a node's channels at once when it sends them again. Pub/sub: a summary is state, sent again
 * every PRESENCE_RESEND_MS, so one a node missed is replaced soon.
 */
export const PRESENCE_SUMMARIES = busTopic(
  'chat:presence',
  z.object({ summaries: z.array(summarySchema).min(1) }),
  'broadcast',
);

/** A node that starts asks the others for their summaries at once instead of waiting for a resend. */
export const PRESENCE_WANTED = busTopic('chat:presence-wanted', z.object({}), 'broadcast');

/** How often a node sends all its summaries again. */
export const PRESENCE_RESEND_MS = 5000;

/** How often nodes that stopped reporting are looked for. */
const SWEEP_MS = 1000;

/** Summaries per bus message when a node sends all of them. */
const SUMMARIES_PER_MESSAGE = 100;

export interface PresenceExchangeOptions {
  bus: Bus;
  /** The merged presence changed in a channel: tell this node's subscribers. */
  onChange(change: PresenceChangeEvent): void;
  /** This node's own part of every channel now (for a resend). */
  local(): Iterable<[channel: string, summary: PresenceSummary]>;
  /** Whether a node still reports its load; its parts are dropped once not (default: by resends only). */
  isLive?: (node: string) => boolean;
  listMax?: number;
  resendMs?: number;
}

/**
 * Presence across the nodes of a cluster: each node publishes its summary of a channel whenever
 * its batch for the channel goes out (so the bus carries at most one message per channel per batch
 * interval per node, not one per join), sends all of them again every few seconds, and merges
 * everyone's into what its own subscribers are told (PresenceMerge). A node that stops reporting
 * its load (NodeLoads) or its summaries is dropped, so a crashed node's players leave the lists.
 * With one node (a LocalBus) this is the node's own presence, announced as before.
 */
export class PresenceExchange {
  readonly merge: PresenceMerge;
  private readonly subscriptions: Promise<Unsubscribe[]>;
  private readonly timer: NodeJS.Timeout;
  private readonly resendMs: number;
  private lastResend = performance.now();
  private closed = false;

  constructor(private readonly opts: PresenceExchangeOptions) {
    this.merge = new PresenceMerge({
      onChange: opts.onChange,
      ...(opts.listMax !== undefined ? { listMax: opts.listMax } : {}),
    });
    const self = opts.bus.nodeId;
    this.subscriptions = Promise.all([
      opts.bus.subscribe(PRESENCE_SUMMARIES, ({ summaries }, from) => {
        if (from === self) return;
        for (const { channel, players, count } of summaries)
          this.merge.update(from, channel, { players, count });
      }),
      opts.bus.subscribe(PRESENCE_WANTED, (_, from) => {
        if (from !== self) this.resend();
      }),
    ]);
    this.subscriptions
      .then((stops) => {
        if (this.closed) for (const stop of stops) stop();
        else opts.bus.publish(PRESENCE_WANTED, {});
      })
      .catch(() => {});
    this.resendMs = opts.resendMs ?? PRESENCE_RESEND_MS;
    this.timer = setInterval(() => this.tick(), Math.min(SWEEP_MS, this.resendMs));
    this.timer.unref();
  }

  /** Resolves once other nodes' summaries reach this one. */
  get ready(): Promise<void> {
    return this.subscriptions.then(() => {});
  }

  /** This node's part of the channel changed (its batch went out). */
  changed(channel: string, summary: PresenceSummary): void {
    this.merge.update(this.opts.bus.nodeId, channel, summary);
    if (this.closed) return;
    const players = [...summary.players];
    this.opts.bus.publish(PRESENCE_SUMMARIES, { summaries: [{ channel, players, count: summary.count }] });
  }

  snapshot(channel: string): PresenceSnapshot {
    return this.merge.snapshot(channel);
  }

  /** The players other nodes list in the channel. */
  listedElsewhere(channel: string): PresenceEntry[] {
    return this.merge.listedElsewhere(channel, this.opts.bus.nodeId);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.subscriptions
      .then((stops) => {
        for (const stop of stops) stop();
      })
      .catch(() => {});
    this.merge.close();
  }

  private tick(): void {
    const now = performance.now();
    const self = this.opts.bus.nodeId;
    if (this.opts.isLive)
      for (const node of this.merge.nodes(self)) if (!this.opts.isLive(node)) this.merge.forget(node);
    // A part missed by three resends is stale: its node is gone, or the withdrawal was lost.
    this.merge.expire(self, now - 3 * this.resendMs);
    if (now - this.lastResend >= this.resendMs) this.resend();
  }

  private resend(): void {
    if (this.closed) return;
    this.lastResend = performance.now();
    let batch: z.infer<typeof summarySchema>[] = [];
    for (const [channel, summary] of this.opts.local()) {
      if (summary.count === 0) continue;
      batch.push({ channel, players: [...summary.players], count: summary.count });
      if (batch.length === SUMMARIES_PER_MESSAGE) {
        this.opts.bus.publish(PRESENCE_SUMMARIES, { summaries: batch });
        batch = [];
      }
    }
    if (batch.length > 0) this.opts.bus.publish(PRESENCE_SUMMARIES, { summaries: batch });
  }
}
