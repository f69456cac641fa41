import type {
  ChannelKind,
  ChatMessage,
  ErrorPayload,
  PresenceChange,
  PresenceEntry,
  SubscribeAccepted,
  SubscribeRequest,
} from '@perihelion/protocol';
import { Emitter } from '../emitter.js';
import type { PublishReceipt } from './outbox.js';
import type { SubscriptionPosition } from './parked-channels.js';

export interface ChannelSubscriptionEvents {
  /** A new message, in offset order, each offset once (after a reconnect too). */
  message: (message: ChatMessage) => void;
  /**
   * Players came or went from the listed ones (two tabs of one player are one entry), or the
   * count changed; `count` is how many are present now, listed or not.
   */
  presence: (change: { joined: PresenceEntry[]; left: PresenceEntry[]; count: number }) => void;
  /**
   * The client was away longer than the channel keeps history: the messages it had were dropped
   * and what follows is the channel's recent history (there is a hole before it; `gap` is true).
   */
  reset: () => void;
  /** This player's read mark moved (here or, after a resubscribe, on another device). */
  read: (readUpTo: number) => void;
  /**
   * The subscription ended: refused or closed by the server (with its reason), dropped from the
   * directory, or (reason null) unsubscribed here or the client was closed.
   */
  closed: (reason: ErrorPayload | null) => void;
}

/**
 * `offline`: waiting for a connection; `pending`: subscribing (waiting for its turn, or sent and
 * not answered yet); `live`: messages flow; `closed`: over for good (subscribe again for a new
 * one, which resumes where this one was if the client still remembers it).
 */
export type SubscriptionState = 'offline' | 'pending' | 'live' | 'closed';

/** What a subscription needs from the client that owns it. */
export interface SubscriptionHost {
  self(): string | null;
  markRead(channel: string, upTo?: number): void;
  unsubscribe(channel: string): void;
  publish(channel: string, text: string): Promise<PublishReceipt>;
  /** The stream skipped an offset (a server fault): subscribe again from `lastOffset`. */
  resync(channel: string): void;
}

/**
 * One channel as this client sees it: the messages in offset order, each exactly once, across any
 * number of reconnects; who is there; how much of it this player has not read yet.
 *
 * The client resubscribes it on every connection with `after: lastOffset`, and this class turns
 * what comes back into an exactly-once stream: an offset at or below `lastOffset` is a repeat and
 * dropped, an offset beyond `lastOffset + 1` means something went missing and the channel is
 * resynchronised, and a `gap` answer (the client was away longer than the server keeps history)
 * resets it to the recent history with a 'reset' event instead of silently skipping.
 *
 * The server answers a subscribe before it sends any batch of that subscription, so whatever
 * arrives while a subscribe is unanswered is left over from an earlier subscription of the same
 * channel on this connection (superseded, or unsubscribed) and is dropped: the replay after the
 * answer brings all of it again, relative to the position the answer is about.
 */
export class ChannelSubscription {
  private readonly events = new Emitter<ChannelSubscriptionEvents>();
  private _messages: readonly ChatMessage[] = [];
  private _lastOffset = 0;
  /**
   * `lastOffset` is a real position in the channel (the next message must be lastOffset + 1).
   * False before the first message or answer, and after a reset: the next batch (the recent
   * history) may start anywhere.
   */
  private anchored = false;
  private _readUpTo = 0;
  private _presence = new Map<string, string>();
  private _presenceCount = 0;
  private _kind: ChannelKind | null = null;
  private _gap = false;
  private _state: SubscriptionState = 'offline';
  /** `after` of the subscribe in flight (what the answer is relative to). */
  private requestedAfter: number | undefined;
  /** Listed in the server's directory at some point: dropped when it leaves it. */
  listed = false;

  constructor(
    readonly channel: string,
    private readonly host: SubscriptionHost,
    private readonly historyLimit: number,
    /** Where an earlier subscription to this channel ended: this one resumes from there. */
    from?: SubscriptionPosition,
  ) {
    if (!from) return;
    this._messages = from.messages;
    this._lastOffset = from.lastOffset;
    this.anchored = from.anchored;
    this._readUpTo = from.readUpTo;
    this._kind = from.kind;
    this._gap = from.gap;
  }

  /** Messages in offset order, oldest first (at most the client's `historyLimit`, newest kept). */
  get messages(): readonly ChatMessage[] {
    return this._messages;
  }

  /** The newest offset this client has (0 = none yet): what it resubscribes with. */
  get lastOffset(): number {
    return this._lastOffset;
  }

  /** This player's read mark: messages after it count as unread. */
  get readUpTo(): number {
    return this._readUpTo;
  }

  /** Messages after the read mark that someone else sent. */
  get unread(): number {
    const self = this.host.self();
    let count = 0;
    for (let i = this._messages.length - 1; i >= 0; i--) {
      const message = this._messages[i]!;
      if (message.offset <= this._readUpTo) break;
      if (message.sender.id !== self) count++;
    }
    return count;
  }

  /**
   * Who is in the channel now, player id → name (from the answer, then the server's batches):
   * everyone while `presenceCount` is at most PRESENCE_LIST_MAX, otherwise that many of them
   * (the server's choice, the same for every reader). Empty for read-only channels.
   */
  get presence(): ReadonlyMap<string, string> {
    return this._presence;
  }

  /** How many players are in the channel now, listed in `presence` or not. */
  get presenceCount(): number {
    return this._presenceCount;
  }

  /** The channel's kind, once the server (directory or subscribe answer) has said it. */
  get kind(): ChannelKind | null {
    return this._kind;
  }

  /** The shown history starts after a hole (set by a reset; older messages are gone for good). */
  get gap(): boolean {
    return this._gap;
  }

  get state(): SubscriptionState {
    return this._state;
  }

  on<E extends keyof ChannelSubscriptionEvents>(
    event: E,
    listener: ChannelSubscriptionEvents[E],
  ): () => void {
    return this.events.on(event, listener);
  }

  /** Marks the channel read up to `upTo` (default: everything this client has). */
  markRead(upTo?: number): void {
    this.host.markRead(this.channel, upTo);
  }

  publish(text: string): Promise<PublishReceipt> {
    return this.host.publish(this.channel, text);
  }

  /** Leaves the channel (the server stops sending it; 'closed' fires). */
  close(): void {
    this.host.unsubscribe(this.channel);
  }

  // ---- driven by the ChatClient ----------------------------------------------------------------

  /** @internal A subscribe is on its way (queued or sent): nothing counts until its answer. */
  markPending(): void {
    if (this._state !== 'closed') this._state = 'pending';
  }

  /** @internal The request to send on this connection; the subscription is pending until answered. */
  subscribeRequest(): SubscribeRequest {
    this.markPending();
    this.requestedAfter = this.anchored ? this._lastOffset : undefined;
    return this.requestedAfter === undefined
      ? { channel: this.channel }
      : { channel: this.channel, after: this.requestedAfter };
  }

  /** @internal */
  setKind(kind: ChannelKind): void {
    this._kind = kind;
  }

  /** @internal The subscribe was accepted: settle the position; the replay follows. */
  accepted(ack: SubscribeAccepted): void {
    this._kind = ack.kind;
    const after = this.requestedAfter;
    // A head behind what we have means the server lost its store (or is another one): what we
    // hold is from another history, so it is dropped, and the recent history asked for afresh.
    if (after !== undefined && ack.head < after) {
      this.reset();
      this.host.resync(this.channel);
      return;
    }
    if (ack.gap) this.reset();
    else if (after === undefined && ack.head === 0 && !this.anchored) {
      // An empty channel: the first message will be offset 1, and a resume asks from 0.
      this.anchored = true;
    }
    this._state = 'live';
    this._presence = new Map(ack.presence.map((p) => [p.id, p.name]));
    this._presenceCount = ack.presenceCount;
    this.raiseReadMark(ack.readUpTo);
  }

  /** @internal The connection dropped: everything in flight on it is gone. */
  offline(): void {
    if (this._state === 'closed') return;
    this._state = 'offline';
  }

  /** @internal A batch of `channel:messages` for this channel. */
  receive(messages: readonly ChatMessage[]): void {
    // Not live: offline, closed, or pending (then it is left over from an earlier subscription).
    if (this._state !== 'live') return;
    const fresh: ChatMessage[] = [];
    let hole = false;
    for (const message of messages) {
      if (this.anchored && message.offset <= this._lastOffset) continue;
      if (this.anchored && message.offset !== this._lastOffset + 1) {
        hole = true;
        break;
      }
      fresh.push(message);
      this._lastOffset = message.offset;
      this.anchored = true;
    }
    if (fresh.length > 0) {
      const all = [...this._messages, ...fresh];
      this._messages = all.length > this.historyLimit ? all.slice(all.length - this.historyLimit) : all;
      for (const message of fresh) this.events.emit('message', message);
    }
    if (hole) this.host.resync(this.channel);
  }

  /** @internal One batch of the channel's presence: applied idempotently. */
  presenceChanged(change: PresenceChange): void {
    // While pending, the answer's presence (as of its own time) is still to come.
    if (this._state !== 'live') return;
    const joined: PresenceEntry[] = [];
    const left: PresenceEntry[] = [];
    for (const id of change.left) {
      const name = this._presence.get(id);
      if (name === undefined) continue;
      this._presence.delete(id);
      left.push({ id, name });
    }
    for (const entry of change.joined) {
      if (this._presence.get(entry.id) === entry.name) continue;
      this._presence.set(entry.id, entry.name);
      joined.push(entry);
    }
    const counted = change.count !== this._presenceCount;
    this._presenceCount = change.count;
    if (joined.length > 0 || left.length > 0 || counted) {
      this.events.emit('presence', { joined, left, count: change.count });
    }
  }

  /** @internal Moves the read mark forward (never back); true when it moved. */
  raiseReadMark(upTo: number): boolean {
    if (upTo <= this._readUpTo) return false;
    this._readUpTo = upTo;
    this.events.emit('read', upTo);
    return true;
  }

  /** @internal Where this subscription is, to resume from later; null when it has nothing yet. */
  position(): SubscriptionPosition | null {
    if (!this.anchored && this._messages.length === 0) return null;
    return {
      messages: this._messages,
      lastOffset: this._lastOffset,
      anchored: this.anchored,
      readUpTo: this._readUpTo,
      kind: this._kind,
      gap: this._gap,
    };
  }

  /** @internal Over for good; tells the listeners why, then forgets them. */
  end(reason: ErrorPayload | null): void {
    if (this._state === 'closed') return;
    this._state = 'closed';
    this.events.emit('closed', reason);
    this.events.removeAll();
  }

  private reset(): void {
    this._messages = [];
    this._lastOffset = 0;
    this.anchored = false;
    this._gap = true;
    this.events.emit('reset');
  }
}
