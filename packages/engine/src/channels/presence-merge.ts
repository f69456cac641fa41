import { PRESENCE_LIST_MAX, type PresenceEntry } from '@perihelion/protocol';
import type { PresenceChangeEvent, PresenceSnapshot } from './channel-presence.js';

/** One node's part of a channel's presence: the players it lists (at most the list's maximum) and counts. */
export interface PresenceSummary {
  readonly players: readonly PresenceEntry[];
  readonly count: number;
}

interface Contribution extends PresenceSummary {
  /** performance.now() when the node last reported it. */
  heardAt: number;
}

interface Merged {
  readonly byNode: Map<string, Contribution>;
  announced: PresenceSnapshot;
  announcedNames: Map<string, string>;
}

const NOBODY: PresenceSnapshot = Object.freeze({ players: Object.freeze([]), count: 0 });

/**
 * A channel's presence across the nodes of a cluster, from each node's summary of the players it
 * holds (see ChannelPresence: at most the list's maximum listed, everyone counted). Every node
 * merges the same summaries the same way, so all of them announce the same list:
 *
 * - listed: each node's listed players in node-id order, a player listed by several nodes (two
 *   tabs on two nodes) once, cut at the list's maximum;
 * - count: the sum of the nodes' counts, less the players listed by more than one node. A player
 *   with tabs on two nodes who is listed by neither is counted twice: past the list, "N online" is
 *   an estimate.
 *
 * A merge costs the number of nodes times the list's maximum, never the channel's size. The
 * differences with what was announced go out as one PresenceChangeEvent, as on a single node.
 */
export class PresenceMerge {
  private readonly channels = new Map<string, Merged>();
  /** The channels each node contributes to, to forget a node at once. */
  private readonly channelsOf = new Map<string, Set<string>>();

  constructor(
    private readonly opts: {
      onChange(change: PresenceChangeEvent): void;
      listMax?: number;
    },
  ) {}

  /** The node's part of the channel now (an empty one withdraws it); announces what changed. */
  update(node: string, channel: string, summary: PresenceSummary, now = performance.now()): void {
    let merged = this.channels.get(channel);
    const empty = summary.count === 0 && summary.players.length === 0;
    if (!merged) {
      if (empty) return;
      merged = { byNode: new Map(), announced: NOBODY, announcedNames: new Map() };
      this.channels.set(channel, merged);
    }
    let mine = this.channelsOf.get(node);
    if (empty) {
      merged.byNode.delete(node);
      mine?.delete(channel);
      if (mine?.size === 0) this.channelsOf.delete(node);
    } else {
      merged.byNode.set(node, { players: summary.players, count: summary.count, heardAt: now });
      if (!mine) {
        mine = new Set();
        this.channelsOf.set(node, mine);
      }
      mine.add(channel);
    }
    this.announce(channel, merged);
  }

  /** The node is gone: its parts of every channel are withdrawn. */
  forget(node: string): void {
    const channels = this.channelsOf.get(node);
    if (!channels) return;
    this.channelsOf.delete(node);
    for (const channel of channels) {
      const merged = this.channels.get(channel);
      if (merged?.byNode.delete(node)) this.announce(channel, merged);
    }
  }

  /** Nodes other than `self` with a part in some channel. */
  nodes(self: string): string[] {
    return [...this.channelsOf.keys()].filter((node) => node !== self);
  }

  /** Withdraws other nodes' parts not reported since `before` (their withdrawal was lost, or they are gone). */
  expire(self: string, before: number): void {
    for (const [node, channels] of this.channelsOf) {
      if (node === self) continue;
      for (const channel of channels) {
        const merged = this.channels.get(channel);
        const part = merged?.byNode.get(node);
        if (!merged || !part || part.heardAt >= before) continue;
        this.update(node, channel, { players: [], count: 0 });
      }
    }
  }

  /** What was last announced for the channel: what a subscribe answer carries. */
  snapshot(channel: string): PresenceSnapshot {
    return this.channels.get(channel)?.announced ?? NOBODY;
  }

  /** The players other nodes list in the channel (for an operator's full list, with this node's own). */
  listedElsewhere(channel: string, self: string): PresenceEntry[] {
    const out: PresenceEntry[] = [];
    for (const [node, part] of this.channels.get(channel)?.byNode ?? []) {
      if (node !== self) out.push(...part.players);
    }
    return out;
  }

  close(): void {
    this.channels.clear();
    this.channelsOf.clear();
  }

  private announce(channel: string, merged: Merged): void {
    const listMax = this.opts.listMax ?? PRESENCE_LIST_MAX;
    const listed = new Map<string, PresenceEntry>();
    let count = 0;
    let listings = 0;
    const nodes = [...merged.byNode.keys()].sort();
    for (const node of nodes) {
      const part = merged.byNode.get(node) as Contribution;
      count += part.count;
      listings += part.players.length;
      for (const p of part.players) if (listed.size < listMax || listed.has(p.id)) listed.set(p.id, p);
    }
    // Listed twice (two nodes) is one player; only listed players can be told apart.
    const seen = new Set<string>();
    for (const node of nodes)
      for (const p of (merged.byNode.get(node) as Contribution).players) seen.add(p.id);
    count -= listings - seen.size;
    if (merged.byNode.size === 0) this.channels.delete(channel);
    const joined: PresenceEntry[] = [];
    const left: string[] = [];
    for (const [id, entry] of listed) {
      if (merged.announcedNames.get(id) !== entry.name) joined.push(entry);
    }
    for (const id of merged.announcedNames.keys()) if (!listed.has(id)) left.push(id);
    if (joined.length === 0 && left.length === 0 && count === merged.announced.count) return;
    const players = [...listed.values()];
    merged.announced = { players, count };
    merged.announcedNames = new Map(players.map((p) => [p.id, p.name]));
    this.opts.onChange({ channel, joined, left, count });
  }
}
