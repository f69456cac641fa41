import type { Db } from '@perihelion/db';
import type { ChannelKind, ChatMessage } from '@perihelion/protocol';
import type { Logger } from 'pino';
import * as store from './channel-store.js';
import { DirectConversations } from './direct-conversations.js';

/**
 * How long a publish stays idempotent: a retry with its nonce within this time is answered with
 * the stored offset, even after retention pruned the message.
 */
export const NONCE_TTL_MS = 24 * 60 * 60 * 1000;

/** How often nonces older than their time to live are deleted. */
const NONCE_SWEEP_MS = 10 * 60 * 1000;

export interface ChannelWriterOptions {
  db: Db;
  logger: Logger;
  /** Messages kept per channel. */
  retention: number;
  nonceTtlMs: number;
  /** A message was stored: hand it to the live subscriptions. */
  deliver(channel: string, message: ChatMessage): void;
  /** These players just became members of a direct conversation (their directory changed). */
  membersAdded(playerIds: string[]): void;
}

/**
 * Stores the channels' messages: records a direct conversation's players before its first
 * message, delivers what was stored, prunes what retention no longer keeps, and forgets publish
 * nonces once they are older than their time to live (on an unref'd timer; close() stops it).
 */
export class ChannelWriter {
  private readonly direct: DirectConversations;
  private readonly sweep: ReturnType<typeof setInterval>;

  constructor(private readonly opts: ChannelWriterOptions) {
    this.direct = new DirectConversations(opts.db);
    this.sweep = setInterval(() => void this.pruneNonces(), NONCE_SWEEP_MS);
    this.sweep.unref?.();
  }

  /**
   * Stores and delivers a message (idempotent per nonce). A direct conversation's two players are
   * recorded as members first, which puts it in both directories; if that fails, nothing is stored.
   */
  async append(
    channel: string,
    kind: ChannelKind,
    m: store.NewChannelMessage,
    opts: { nonceChecked?: boolean } = {},
  ): Promise<{ offset: number; at: number }> {
    const added = kind === 'direct' ? await this.direct.record(channel) : [];
    try {
      const stored = await store.appendMessage(this.opts.db, channel, kind, m, opts);
      if (stored.created) {
        this.opts.deliver(channel, {
          offset: stored.offset,
          sender: { id: m.senderId, name: m.senderName },
          text: m.text,
          ...(m.data ? { data: m.data } : {}),
          at: stored.at,
        });
        this.prune(channel, stored.offset - this.opts.retention);
      }
      return { offset: stored.offset, at: stored.at };
    } finally {
      // Members now, whether or not this message was stored: their directories list the channel.
      if (added.length > 0) this.opts.membersAdded(added);
    }
  }

  /** Forgets the nonces older than their time to live (also on a timer). Never rejects. */
  async pruneNonces(): Promise<void> {
    try {
      await store.pruneNonces(this.opts.db, this.opts.nonceTtlMs);
    } catch (err) {
      this.opts.logger.warn({ err }, 'could not prune publish nonces (tried again later)');
    }
  }

  close(): void {
    clearInterval(this.sweep);
  }

  private prune(channel: string, upTo: number): void {
    if (upTo < 1) return;
    store.pruneMessages(this.opts.db, channel, upTo).catch((err: unknown) => {
      this.opts.logger.warn({ err, channel }, 'could not prune a channel (tried again on its next message)');
    });
  }
}
