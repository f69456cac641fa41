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

const NOOP = (): void => {};

/** Where a subscription that caught up by itself goes next: its channel's live feed. */
export type CaughtUp = (sub: Subscription) => void;

/**
 * One connection's subscription to one channel. It reads what the connection is missing from the
 * store (the replay after a subscribe) on its own promise chain, then hands itself to the channel's
 * feed (`caughtUp`), which broadcasts every later message to all its members at once. `sentUpTo`
 * is the highest offset this connection was sent, on its own or through the feed: an offset goes
 * out once and in order whichever way it comes.
 */
export class Subscription {
  /** The subscribe was answered: the replay runs, then live messages flow. */
  ready = false;
  closed = false;
  /** The feed this subscription is a member of: it receives the channel's broadcasts. */
  feed: { readonly upTo: number } | null = null;
  private ownUpTo = 0;
  private chain: Promise<void>;
  private openGate: () => void = NOOP;
  private readonly retryDelaysMs: readonly number[];
  /** Ends the pause before a catch-up is retried (at once when the subscription closes). */
  private wake: (() => void) | null = null;

  constructor(
    readonly conn: ChatConnection,
    readonly channel: string,
    private readonly read: ReadAfter,
    private readonly logger: Logger,
    private readonly caughtUp: CaughtUp = () => {},
    options: SubscriptionOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? CATCH_UP_RETRY_DELAYS_MS;
    // Closed until start(): nothing is read while the subscribe is being answered.
    this.chain = new Promise((resolve) => {
      this.openGate = resolve;
    });
  }

  /** Highest offset sent on this connection; meaningful once started. */
  get sentUpTo(): number {
    return this.feed ? this.feed.upTo : this.ownUpTo;
  }

  /** The subscribe was answered: deliver everything after `after`, then join the live feed. */
  start(after: number): void {
    this.ownUpTo = after;
    this.ready = true;
    this.openGate();
    // Released: an idle subscription (most of a channel's, for hours) keeps no resolver.
    this.openGate = NOOP;
    this.resume();
  }

  /**
   * Reads what this connection is missing from the store, then offers itself to the feed again
   * (the feed was ahead of it by more than it keeps at hand).
   */
  resume(): void {
    this.enqueue(async () => {
      await this.catchUp();
      if (!this.closed) this.caughtUp(this);
    });
  }

  /** The feed took this subscription: from here on it sends the channel's messages. */
  joined(feed: { readonly upTo: number }): void {
    this.feed = feed;
  }

  /** Sends messages that follow `sentUpTo` straight away (the feed's recent ones at hand-over). */
  sendNow(messages: readonly ChatMessage[]): void {
    if (this.closed || this.feed || messages.length === 0) return;
    this.send(messages);
  }

  /** The feed can no longer deliver (the store keeps failing, or it fell behind retention). */
  fail(reason: string): void {
    if (this.closed) return;
    this.close();
    this.conn.drop(reason);
  }

  close(): void {
    if (this.feed) this.ownUpTo = this.feed.upTo;
    this.feed = null;
    this.closed = true;
    this.openGate();
    this.openGate = NOOP;
    this.wake?.();
  }

  /** Resolves once no step is queued any more, those queued meanwhile included (tests). */
  async idle(): Promise<void> {
    for (let chain = this.chain; ; chain = this.chain) {
      await chain;
      if (chain === this.chain) return;
    }
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
          this.fail(`could not read ${this.channel} from the store`);
          return;
        }
        this.logger.warn(log, 'channel catch-up failed; trying again');
        await pause(delay, (wake) => {
          this.wake = wake;
        });
        this.wake = null;
      }
    }
  }

  private async catchUpOnce(): Promise<void> {
    for (;;) {
      if (this.closed || this.feed) return;
      const page = await this.read(this.channel, this.ownUpTo, MAX_BATCH);
      if (this.closed || this.feed || page.length === 0) return;
      if (page[0]!.offset !== this.ownUpTo + 1) {
        // Retention pruned what this connection had not been sent yet. Reconnecting makes the
        // client resubscribe with its offset and be told about the gap explicitly.
        this.fail(`fell behind the retained history of ${this.channel}`);
        return;
      }
      this.send(page);
      if (page.length < MAX_BATCH) return;
    }
  }

  private send(messages: readonly ChatMessage[]): void {
    this.conn.send('channel:messages', { channel: this.channel, messages: [...messages] });
    this.ownUpTo = messages[messages.length - 1]!.offset;
  }
}

/**
 * Resolves after `ms`, or at once when the function handed to `onWake` is called (an unref'd
 * timer: a pause never keeps the process alive).
 */
export function pause(ms: number, onWake: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref?.();
    onWake(done);
  });
}
