import { PRESENCE_LIST_MAX, type PresenceEntry } from '@perihelion/protocol';

/** One batch of a channel's presence: what changed in its listed players since the last one. */
export interface PresenceChangeEvent {
  channel: string;
  /** Entered the list (or were renamed). */
  joined: PresenceEntry[];
  /** Left the list (gone, or moved out of it). */
  left: string[];
  /** Players present now, listed or not. */
  count: number;
}

/** A channel's presence as last announced: what a subscribe answer carries. */
export interface PresenceSnapshot {
  /** At most the list's maximum; every player present when there are no more than that. */
  readonly players: readonly PresenceEntry[];
  readonly count: number;
}

/** Default time changes to a channel's list are gathered before one batch goes out. */
export const PRESENCE_BATCH_MS = 250;

/**
 * Default time a change of the count alone (a channel with more players than it lists) waits: in
 * a channel of 50,000 a batch reaches 50,000 connections, so "N online" is refreshed less often.
 */
export const PRESENCE_COUNT_BATCH_MS = 2000;

export interface ChannelPresenceOptions {
  /**
   * How long a player whose last connection left a channel still counts as present: a page reload
   * or a dropped network that reconnects within it produces no left/joined pair.
   */
  graceMs: number;
  /** Default PRESENCE_BATCH_MS. */
  batchMs?: number;
  /** Default PRESENCE_COUNT_BATCH_MS. */
  countBatchMs?: number;
  /** Most players listed per channel (default PRESENCE_LIST_MAX). */
  listMax?: number;
  /** One batch of one channel (called from a timer, never from join or leave). */
  onChange(change: PresenceChangeEvent): void;
}

interface Present {
  entry: PresenceEntry;
  /**
   * The player's connections subscribed to the channel: one id (most players have one tab, and a
   * Set costs ~150 bytes each in a channel of thousands), a Set only for several, null for none.
   */
  conns: string | Set<string> | null;
  /** The pending "left" once the last connection went, cancelled when one comes back. */
  leaving: ReturnType<typeof setTimeout> | null;
}

function addConn(p: Present, connId: string): void {
  if (p.conns === null) p.conns = connId;
  else if (typeof p.conns === 'string') {
    if (p.conns !== connId) p.conns = new Set([p.conns, connId]);
  } else p.conns.add(connId);
}

/** Removes the connection; false when it was not there. */
function removeConn(p: Present, connId: string): boolean {
  if (p.conns === connId) {
    p.conns = null;
    return true;
  }
  if (p.conns === null || typeof p.conns === 'string' || !p.conns.delete(connId)) return false;
  if (p.conns.size === 1) p.conns = p.conns.values().next().value ?? null;
  return true;
}

function hasConns(p: Present): boolean {
  return p.conns !== null;
}

const NOBODY: PresenceSnapshot = Object.freeze({ players: Object.freeze([]), count: 0 });

/** One channel's presence: everyone present, the listed few, and what was last announced. */
class Roster {
  /** Everyone present, in the order they came (the list is refilled from the front). */
  readonly players = new Map<string, Present>();
  /** The listed players now: all of them, or the list's maximum. */
  readonly listed = new Map<string, PresenceEntry>();
  announced: PresenceSnapshot = NOBODY;
  /** The announced list by id (for the next batch's difference). */
  announcedNames = new Map<string, string>();
  batch: ReturnType<typeof setTimeout> | null = null;
  /** The pending batch is due after the short wait (the list changed), not the count's. */
  batchSoon = false;
}

/**
 * Who is subscribed to each channel, per player: two tabs of one player are one entry, joined with
 * the first connection and left (after the grace) with the last.
 *
 * Changes are announced in batches, one per channel per `batchMs` at most, each one broadcast to
 * the whole channel, instead of one event per join to everyone (which costs N² packets when N
 * players arrive). A channel lists at most `listMax` players (the first ones present, a leaver
 * replaced by the next in line) and counts the others: nothing here costs time proportional to the
 * channel's size, except `list`, which the publish API asks for on demand.
 */
export class ChannelPresence {
  private readonly channels = new Map<string, Roster>();
  private readonly batchMs: number;
  private readonly countBatchMs: number;
  private readonly listMax: number;

  constructor(private readonly opts: ChannelPresenceOptions) {
    if (!Number.isFinite(opts.graceMs) || opts.graceMs < 0) {
      throw new Error(`presence grace must be a non-negative number of ms, got ${opts.graceMs}`);
    }
    this.batchMs = opts.batchMs ?? PRESENCE_BATCH_MS;
    this.countBatchMs = Math.max(this.batchMs, opts.countBatchMs ?? PRESENCE_COUNT_BATCH_MS);
    this.listMax = opts.listMax ?? PRESENCE_LIST_MAX;
    if (!(this.batchMs >= 0)) throw new Error(`presence batch must be ≥ 0 ms, got ${this.batchMs}`);
    if (!Number.isSafeInteger(this.listMax) || this.listMax < 1) {
      throw new Error(`presence list must hold at least one player, got ${this.listMax}`);
    }
  }

  /** A connection of the player subscribed to the channel. */
  join(channel: string, player: PresenceEntry, connId: string): void {
    let roster = this.channels.get(channel);
    if (!roster) {
      roster = new Roster();
      this.channels.set(channel, roster);
    }
    const entry = { id: player.id, name: player.name };
    const known = roster.players.get(player.id);
    if (known) {
      addConn(known, connId);
      if (known.leaving) clearTimeout(known.leaving);
      known.leaving = null;
      if (known.entry.name === entry.name) return;
      known.entry = entry;
      // A renewed session may carry a new name: listed players are announced again.
      if (roster.listed.has(entry.id)) {
        roster.listed.set(entry.id, entry);
        this.changed(channel, roster, true);
      }
      return;
    }
    roster.players.set(entry.id, { entry, conns: connId, leaving: null });
    const listed = roster.listed.size < this.listMax;
    if (listed) roster.listed.set(entry.id, entry);
    this.changed(channel, roster, listed);
  }

  /** A connection of the player left the channel (unsubscribed or disconnected). */
  leave(channel: string, playerId: string, connId: string): void {
    const roster = this.channels.get(channel);
    const known = roster?.players.get(playerId);
    if (!roster || !known || !removeConn(known, connId) || hasConns(known)) return;
    if (this.opts.graceMs === 0) {
      this.forget(channel, roster, playerId, known);
      return;
    }
    known.leaving = setTimeout(() => this.forget(channel, roster, playerId, known), this.opts.graceMs);
    known.leaving.unref?.();
  }

  /** What was last announced for the channel: what a subscribe answer carries. */
  snapshot(channel: string): PresenceSnapshot {
    return this.channels.get(channel)?.announced ?? NOBODY;
  }

  /** What was last announced for every channel with players. */
  *snapshots(): Iterable<[channel: string, snapshot: PresenceSnapshot]> {
    for (const [channel, roster] of this.channels) yield [channel, roster.announced];
  }

  /** How many players are present in the channel now (players within their grace included). */
  count(channel: string): number {
    return this.channels.get(channel)?.players.size ?? 0;
  }

  /**
   * Everyone present in the channel now (players within their grace included). Proportional to
   * the channel's size: for an operator's request, never for a join.
   */
  list(channel: string): PresenceEntry[] {
    return [...(this.channels.get(channel)?.players.values() ?? [])].map((p) => p.entry);
  }

  /** Cancels pending leaves and batches without announcing them (the process is stopping). */
  close(): void {
    for (const roster of this.channels.values()) {
      if (roster.batch) clearTimeout(roster.batch);
      for (const p of roster.players.values()) if (p.leaving) clearTimeout(p.leaving);
    }
    this.channels.clear();
  }

  private forget(channel: string, roster: Roster, playerId: string, known: Present): void {
    // Defensive: a rejoin cancels the timer, but a stale one must never drop a present player.
    if (this.channels.get(channel) !== roster || roster.players.get(playerId) !== known) return;
    if (hasConns(known)) return;
    roster.players.delete(playerId);
    const wasListed = roster.listed.delete(playerId);
    if (wasListed) this.refill(roster);
    this.changed(channel, roster, wasListed);
  }

  /**
   * A listed player left: the first unlisted player (in the order they came) takes the place.
   * At most `listMax` listed players can come before it, so this never walks the whole channel.
   */
  private refill(roster: Roster): void {
    if (roster.players.size <= roster.listed.size) return;
    for (const [id, present] of roster.players) {
      if (roster.listed.has(id)) continue;
      roster.listed.set(id, present.entry);
      return;
    }
  }

  /** Schedules the channel's next batch: soon for a list change, later for the count alone. */
  private changed(channel: string, roster: Roster, listChanged: boolean): void {
    if (roster.batch && (roster.batchSoon || !listChanged)) return;
    if (roster.batch) clearTimeout(roster.batch);
    roster.batchSoon = listChanged;
    roster.batch = setTimeout(
      () => this.flush(channel, roster),
      listChanged ? this.batchMs : this.countBatchMs,
    );
    roster.batch.unref?.();
  }

  private flush(channel: string, roster: Roster): void {
    roster.batch = null;
    roster.batchSoon = false;
    if (this.channels.get(channel) !== roster) return;
    const joined: PresenceEntry[] = [];
    const left: string[] = [];
    for (const [id, entry] of roster.listed) {
      if (roster.announcedNames.get(id) !== entry.name) joined.push(entry);
    }
    for (const id of roster.announcedNames.keys()) if (!roster.listed.has(id)) left.push(id);
    const count = roster.players.size;
    if (roster.players.size === 0) this.channels.delete(channel);
    if (joined.length === 0 && left.length === 0 && count === roster.announced.count) return;
    const players = [...roster.listed.values()];
    roster.announced = { players, count };
    roster.announcedNames = new Map(players.map((p) => [p.id, p.name]));
    this.opts.onChange({ channel, joined, left, count });
  }
}
