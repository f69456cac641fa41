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

  constructor(
    readonly conn: ChatConnection,
    readonly channel: string,
    private readonly read: ReadAfter,
    private readonly logger: Logger,
  ) {
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
  }

  /** Resolves when every delivery queued so far has run (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((err: unknown) => {
      // sentUpTo only moves when a batch went out: the next message retries from there.
      this.logger.error({ err, channel: this.channel, conn: this.conn.id }, 'channel delivery failed');
    });
  }

  private async catchUp(): Promise<void> {
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
