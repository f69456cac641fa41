import { type ErrorPayload, publishResultSchema } from '@perihelion/protocol';
import { ChatError, isTransient } from './chat-error.js';
import type { ChatSocket } from './chat-socket.js';
import { Outbox, type OutboxEntry, type PendingPublish, type PublishReceipt } from './outbox.js';
import type { Timers } from './timers.js';

export interface PublisherOptions {
  /** A publish unanswered this long on a live connection is sent again (same nonce). */
  ackTimeoutMs: number;
  /** Wait before retrying after an answer that may pass (UNAVAILABLE…). */
  retryDelayMs: number;
  /** First pause after RATE_LIMITED; doubles while refused again, up to five times this. */
  rateLimitDelayMs: number;
}

/** The longest pause after repeated RATE_LIMITED answers, in units of the first one. */
const MAX_RATE_LIMIT_FACTOR = 5;

/**
 * Sends the outbox: on every connection, the oldest unanswered publish of each channel, then the
 * next once it is answered. An answer settles the caller's promise; a connection that drops before
 * its answers arrive leaves the publishes in the outbox to be sent again on the next one.
 *
 * RATE_LIMITED is "not now": the publish stays in the outbox (still pending, still first of its
 * channel) and nothing is sent until a pause is over, one that grows while the server keeps
 * refusing (1 s, 2 s, 4 s, 5 s… by default). The start of such an episode is reported once (the
 * client's 'error' event); it is over when a publish sent after the last pause goes through.
 */
export class Publisher {
  private readonly outbox = new Outbox();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryAt = 0;
  /** Numbers every send, so an answer can tell whether it was sent before or after a pause began. */
  private sends = 0;
  /** Nothing is sent before this time (Date.now()): the server said RATE_LIMITED. */
  private slowUntil = 0;
  /** RATE_LIMITED answers in this episode, each to a publish sent after the previous pause began. */
  private refusals = 0;
  /** `sends` when the latest pause began: answers to sends up to it are from before it. */
  private pausedAtSend = 0;
  private _rateLimited = false;

  constructor(
    private readonly socket: ChatSocket,
    /** The current connection's number (bumped on every connect and disconnect). */
    private readonly epoch: () => number,
    private readonly timers: Timers,
    private readonly options: PublisherOptions,
    private readonly malformed: (event: string) => void,
    /** A RATE_LIMITED episode began (called once per episode). */
    private readonly slowedDown: (error: ErrorPayload) => void = () => {},
  ) {}

  /** The server said RATE_LIMITED and no publish has gone through since: sending is paused. */
  get rateLimited(): boolean {
    return this._rateLimited;
  }

  pending(channel?: string): PendingPublish[] {
    return this.outbox.pending(channel);
  }

  /** Queues an already validated publish and sends it when it is its channel's turn. */
  publish(channel: string, text: string): Promise<PublishReceipt> {
    const promise = new Promise<PublishReceipt>((resolve, reject) => {
      this.outbox.add(channel, text, resolve, reject);
    });
    this.flush();
    return promise;
  }

  /** Sends whatever is due now (call on every connect). */
  flush(): void {
    if (!this.socket.connected) return;
    const now = Date.now();
    if (now < this.slowUntil) {
      this.wakeAt(this.slowUntil, now);
      return;
    }
    for (const entry of this.outbox.due(this.epoch(), now)) this.send(entry);
    const retryAt = this.outbox.nextRetryAt(now);
    if (retryAt !== null) this.wakeAt(retryAt, now);
  }

  connectionLost(): void {
    this.outbox.connectionLost();
  }

  /** Rejects every unanswered publish with CLOSED. */
  close(): void {
    for (const entry of this.outbox.drain()) {
      entry.reject(new ChatError('CLOSED', 'the chat client was closed', entry.channel));
    }
  }

  private wakeAt(at: number, now: number): void {
    if (this.retryTimer !== null) {
      if (this.retryAt <= at) return;
      this.timers.cancel(this.retryTimer);
    }
    this.retryAt = at;
    this.retryTimer = this.timers.later(Math.max(0, at - now), () => {
      this.retryTimer = null;
      this.flush();
    });
  }

  private send(entry: OutboxEntry): void {
    const epoch = this.epoch();
    entry.sentOn = epoch;
    entry.sendNumber = ++this.sends;
    const timeout = this.timers.later(this.options.ackTimeoutMs, () => {
      if (!this.outbox.has(entry) || entry.sentOn !== epoch || epoch !== this.epoch()) return;
      // Same nonce: if the first one was stored after all, the server answers with its offset.
      entry.sentOn = null;
      this.flush();
    });
    const { channel, text, nonce } = entry;
    this.socket.emit('channel:publish', { channel, text, nonce }, (raw: unknown) => {
      this.timers.cancel(timeout);
      if (!this.outbox.has(entry)) return;
      this.settle(entry, raw, epoch);
      this.flush();
    });
  }

  private settle(entry: OutboxEntry, raw: unknown, epoch: number): void {
    const parsed = publishResultSchema.safeParse(raw);
    if (parsed.success && parsed.data.ok) {
      // Even from an older connection: a stored message is stored.
      this.outbox.remove(entry);
      if (entry.sendNumber > this.pausedAtSend) this.endEpisode();
      entry.resolve({ channel: entry.channel, offset: parsed.data.offset, at: parsed.data.at });
      return;
    }
    // A refusal on a connection that has since dropped is superseded by the re-sent publish's answer.
    if (epoch !== this.epoch()) return;
    if (!parsed.success) {
      this.malformed('channel:publish');
      this.outbox.remove(entry);
      entry.reject(new ChatError('BAD_MESSAGE', 'the server sent a malformed publish answer', entry.channel));
      return;
    }
    const res = parsed.data;
    if (res.ok) return;
    if (res.error.code === 'RATE_LIMITED') {
      entry.sentOn = null;
      this.pause(entry, res.error);
      return;
    }
    if (isTransient(res.error.code)) {
      entry.sentOn = null;
      entry.notBefore = Date.now() + this.options.retryDelayMs;
      return;
    }
    this.outbox.remove(entry);
    entry.reject(ChatError.from(res.error, entry.channel));
  }

  /** `entry` was refused with RATE_LIMITED: pause all sending (longer each time it happens again). */
  private pause(entry: OutboxEntry, error: ErrorPayload): void {
    // Sent before the current pause began: the same burst, already paid for.
    if (entry.sendNumber <= this.pausedAtSend) return;
    this.refusals++;
    const base = this.options.rateLimitDelayMs;
    const delay = Math.min(base * MAX_RATE_LIMIT_FACTOR, base * 2 ** (this.refusals - 1));
    this.slowUntil = Date.now() + delay;
    this.pausedAtSend = this.sends;
    if (this._rateLimited) return;
    this._rateLimited = true;
    this.slowedDown({ ...error, event: error.event ?? 'channel:publish' });
  }

  private endEpisode(): void {
    this.refusals = 0;
    this._rateLimited = false;
  }
}
