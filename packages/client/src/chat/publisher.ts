import { publishResultSchema } from '@perihelion/protocol';
import { ChatError, isTransient } from './chat-error.js';
import type { ChatSocket } from './chat-socket.js';
import { Outbox, type OutboxEntry, type PendingPublish, type PublishReceipt } from './outbox.js';
import type { Timers } from './timers.js';

export interface PublisherOptions {
  /** A publish unanswered this long on a live connection is sent again (same nonce). */
  ackTimeoutMs: number;
  /** Wait before retrying after an answer that may pass (UNAVAILABLE…). */
  retryDelayMs: number;
}

/**
 * Sends the outbox: on every connection, the oldest unanswered publish of each channel, then the
 * next once it is answered. An answer settles the caller's promise; a connection that drops before
 * its answers arrive leaves the publishes in the outbox to be sent again on the next one.
 */
export class Publisher {
  private readonly outbox = new Outbox();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly socket: ChatSocket,
    /** The current connection's number (bumped on every connect and disconnect). */
    private readonly epoch: () => number,
    private readonly timers: Timers,
    private readonly options: PublisherOptions,
    private readonly malformed: (event: string) => void,
  ) {}

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
    for (const entry of this.outbox.due(this.epoch(), now)) this.send(entry);
    const retryAt = this.outbox.nextRetryAt(now);
    if (retryAt !== null && this.retryTimer === null) {
      this.retryTimer = this.timers.later(Math.max(0, retryAt - now), () => {
        this.retryTimer = null;
        this.flush();
      });
    }
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

  private send(entry: OutboxEntry): void {
    const epoch = this.epoch();
    entry.sentOn = epoch;
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
    if (isTransient(res.error.code)) {
      entry.sentOn = null;
      entry.notBefore = Date.now() + this.options.retryDelayMs;
      return;
    }
    this.outbox.remove(entry);
    entry.reject(ChatError.from(res.error, entry.channel));
  }
}
