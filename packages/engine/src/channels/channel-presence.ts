import type { PresenceEntry } from '@perihelion/protocol';

export interface PresenceChangeEvent {
  channel: string;
  joined: PresenceEntry[];
  left: string[];
}

export interface ChannelPresenceOptions {
  /**
   * How long a player whose last connection left a channel still counts as present: a page reload
   * or a dropped network that reconnects within it produces no left/joined pair.
   */
  graceMs: number;
  onChange(change: PresenceChangeEvent): void;
}

interface Present {
  entry: PresenceEntry;
  /** The player's connections subscribed to the channel. */
  readonly conns: Set<string>;
  /** The pending "left" once the last connection went, cancelled when one comes back. */
  leaving: ReturnType<typeof setTimeout> | null;
}

/**
 * Who is subscribed to each channel, per player: two tabs of one player are one entry, joined with
 * the first connection and left (after the grace) with the last.
 */
export class ChannelPresence {
  private readonly channels = new Map<string, Map<string, Present>>();

  constructor(private readonly opts: ChannelPresenceOptions) {
    if (!Number.isFinite(opts.graceMs) || opts.graceMs < 0) {
      throw new Error(`presence grace must be a non-negative number of ms, got ${opts.graceMs}`);
    }
  }

  /** A connection of the player subscribed to the channel. */
  join(channel: string, player: PresenceEntry, connId: string): void {
    let present = this.channels.get(channel);
    if (!present) {
      present = new Map();
      this.channels.set(channel, present);
    }
    const known = present.get(player.id);
    if (known) {
      known.conns.add(connId);
      if (known.leaving) clearTimeout(known.leaving);
      known.leaving = null;
      known.entry = { id: player.id, name: player.name };
      return;
    }
    const entry = { id: player.id, name: player.name };
    present.set(player.id, { entry, conns: new Set([connId]), leaving: null });
    this.opts.onChange({ channel, joined: [entry], left: [] });
  }

  /** A connection of the player left the channel (unsubscribed or disconnected). */
  leave(channel: string, playerId: string, connId: string): void {
    const known = this.channels.get(channel)?.get(playerId);
    if (!known?.conns.delete(connId) || known.conns.size > 0) return;
    if (this.opts.graceMs === 0) {
      this.forget(channel, playerId, known);
      return;
    }
    known.leaving = setTimeout(() => this.forget(channel, playerId, known), this.opts.graceMs);
    known.leaving.unref?.();
  }

  /** Everyone present in the channel now (players within their grace included). */
  list(channel: string): PresenceEntry[] {
    return [...(this.channels.get(channel)?.values() ?? [])].map((p) => p.entry);
  }

  /** Cancels pending leaves without announcing them (the process is stopping). */
  close(): void {
    for (const present of this.channels.values()) {
      for (const p of present.values()) if (p.leaving) clearTimeout(p.leaving);
    }
    this.channels.clear();
  }

  private forget(channel: string, playerId: string, known: Present): void {
    const present = this.channels.get(channel);
    // Defensive: a rejoin cancels the timer, but a stale one must never drop a present player.
    if (present?.get(playerId) !== known || known.conns.size > 0) return;
    present.delete(playerId);
    if (present.size === 0) this.channels.delete(channel);
    this.opts.onChange({ channel, joined: [], left: [playerId] });
  }
}
