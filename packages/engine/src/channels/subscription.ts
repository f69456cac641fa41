import type { ChatMessage, ChatServerToClientEvents } from '@perihelion/protocol';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';

/** One live `/chat` connection, as the channels see it (the gateway implements it). */
export interface ChatConnection {
  readonly id: string;
  /** The connection's verified session (the gateway replaces it when the session is renewed). */
  readonly principal: Principal;
  /** Reliable, bounded send of a server event. */
  send<E extends keyof ChatServerToClientEvents>(
    event: E,
    payload: Parameters<ChatServerToClientEvents[E]>[0],
  ): void;
  /** Ends the connection; the client reconnects and resumes from its offsets. */
  drop(reason: string): void;
}

/** Reads a channel's stored messages after an offset, in order (one page). */
export type ReadAfter = (channel: string, after: number, limit: number) => Promise<ChatMessage[]>;

/** Most messages in one `channel:messages` packet. */
export const MAX_BATCH = 100;

/**
 * Pauses before reading a failed catch-up again; once they are used up the connection is dropped,
 * and the client resubscribes from its offsets when it is back (after about 3.5 s of failures).
 */
export const CATCH_UP_RETRY_DELAYS_MS: readonly number[] = [250, 1000, 2000];

export interface SubscriptionOptions {
  /** Default CATCH_UP_RETRY_DELAYS_MS. */
  retryDelaysMs?: readonly number[];
}

/**
 * One connection's subscription to one channel and its delivery: `sentUpTo` is the highest offset
 * this connection was sent, and every send runs on one promise chain, so an offset goes out once
 * and in order whether it arrives live or is read back from the store. A live message that is the
 * next offset goes straight out; anything else (a message overtaken by a later one, a replay) is a
 * catch-up from the store.
 */
export class Subscription {
  /** Highest offset sent on this connection; meaningful once started. */
  sentUpTo = 0;
  /** The subscribe was answered: live traffic and presence events may flow. */
  ready = false;
  closed = false;
  private chain: Promise<void>;
  private openGate: () => void = () => {};
  private readonly retryDelaysMs: readonly number[];
  /** Ends the pause before a catch-up is retried (at once when the subscription closes). */
  private wake: (() => void) | null = null;

  constructor(
    readonly conn: ChatConnection,
    readonly channel: string,
    private readonly read: ReadAfter,
    private readonly logger: Logger,
    options: SubscriptionOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? CATCH_UP_RETRY_DELAYS_MS;
    // Closed until start(): messages stored while the subscribe is being answered wait their turn.
    this.chain = new Promise((resolve) => {
      this.openGate = resolve;
    });
  }

  /** The subscribe was answered: deliver everything after `after`, then live messages. */
  start(after: number): void {
    this.sentUpTo = after;
    this.ready = true;
    this.openGate();
    this.enqueue(() => this.catchUp());
  }

  /** A message was just stored in the channel. */
  live(message: ChatMessage): void {
    this.enqueue(async () => {
      if (this.closed || message.offset <= this.sentUpTo) return;
      if (message.offset === this.sentUpTo + 1) {
        this.send([message]);
        return;
      }
      await this.catchUp();
    });
  }

  close(): void {
    this.closed = true;
    this.openGate();
    this.wake?.();
  }

  /** Resolves when every delivery queued so far has run (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((err: unknown) => {
      this.logger.error({ err, channel: this.channel, conn: this.conn.id }, 'channel delivery failed');
    });
  }

  /**
   * Reads what this connection is missing. A failed read is tried again after a pause (sentUpTo
   * only moves when a batch went out, so each try resumes from there): waiting for the channel's
   * next message instead could leave the client without messages that are already stored. When
   * the retries are used up the connection is dropped, and the client resubscribes from its
   * offsets once it is back.
   */
  private async catchUp(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.catchUpOnce();
        return;
      } catch (err) {
        if (this.closed) return;
        const log = { err, channel: this.channel, conn: this.conn.id, attempt };
        const delay = this.retryDelaysMs[attempt];
        if (delay === undefined) {
          this.logger.error(log, 'channel catch-up keeps failing: dropping the connection');
          this.closed = true;
          this.conn.drop(`could not read ${this.channel} from the store`);
          return;
        }
        this.logger.warn(log, 'channel catch-up failed; trying again');
        await this.pause(delay);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      this.wake = done;
    });
  }

  private async catchUpOnce(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const page = await this.read(this.channel, this.sentUpTo, MAX_BATCH);
      if (this.closed || page.length === 0) return;
      if (page[0]!.offset !== this.sentUpTo + 1) {
        // Retention pruned what this connection had not been sent yet. Reconnecting makes the
        // client resubscribe with its offset and be told about the gap explicitly.
        this.closed = true;
        this.conn.drop(`fell behind the retained history of ${this.channel}`);
        return;
      }
      this.send(page);
      if (page.length < MAX_BATCH) return;
    }
  }

  private send(messages: ChatMessage[]): void {
    this.conn.send('channel:messages', { channel: this.channel, messages });
    this.sentUpTo = messages[messages.length - 1]!.offset;
  }
}
