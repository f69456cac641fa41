import type { Db, Executor } from '@perihelion/db';
import type { Logger } from 'pino';
import { z } from 'zod';
import { Batcher, STORE_BATCH_LINGER_MS } from '../batcher.js';
import { type Bus, busTopic, LocalBus, type Unsubscribe } from '../cluster/bus.js';
import {
  acknowledge,
  INBOX_PAGE,
  type InboxMessage,
  inboxCursor,
  inboxCursors,
  insertNotification,
  type NewNotification,
  notificationsAfter,
} from './inbox-store.js';

export type { InboxMessage, NewNotification } from './inbox-store.js';

/**
 * Notifications were stored for these players: every node sends them to the connections it holds.
 * A log topic, so a node that lost Redis for a moment still wakes for them.
 */
export const INBOX_POSTED = busTopic(
  'inbox:posted',
  z.object({ players: z.array(z.string().min(1)).min(1) }),
  'log',
);

/** One live connection of a player, as the inbox sees it. */
export interface InboxConnection {
  readonly id: string;
  send(message: InboxMessage): void;
}

export interface InboxOptions {
  db: Db;
  logger: Logger;
  /** The player's live connections on this node (empty when offline here). */
  connectionsOf: (playerId: string) => Iterable<InboxConnection>;
  /**
   * Most notifications a connection is sent beyond the player's acknowledgement (default 50); the
   * rest follow as acknowledgements arrive. A long-polling client collects its messages only at its
   * next poll, and a connection with too many packets queued is dropped as a slow reader: a whole
   * backlog sent at once would be dropped, resent on the reconnect, and dropped again.
   */
  window?: number;
  /** Tells the other nodes of a cluster to deliver what was posted here. Default: a LocalBus (one node). */
  bus?: Bus;
}

/** What this process knows of a player with connections here. */
interface Reader {
  /** players.inbox_acked as last seen by this process (it only grows); null until read. */
  acked: number | null;
  /** The player's tracked connections; the reader is forgotten with the last one. */
  readonly connIds: Set<string>;
}

/** What the inbox knows of one connection. */
interface Delivery {
  readonly playerId: string;
  readonly reader: Reader;
  readonly conn: InboxConnection;
  /** Highest seq sent on this connection; null until read from the store (starts at the ack). */
  sentUpTo: number | null;
  /** The tail of this connection's deliveries: each runs after the one before, never beside it. */
  chain: Promise<void>;
  closed: boolean;
}

/**
 * Durable notifications with per-player sequence numbers. Posting writes a row in the caller's
 * transaction; delivery reads the store after commit and sends each connection what it has not
 * been sent yet, in order. A connection starts at the player's acknowledgement, so a reconnect
 * gets everything unacknowledged again (the client de-duplicates by seq), while one connection
 * never gets a seq twice.
 *
 * Flow control: a connection is sent at most `window` seqs beyond the player's acknowledgement, and
 * each acknowledgement that moves it forward sends the next ones. A long backlog then drains at the
 * client's pace instead of piling up in the connection's outbound buffer.
 */
export class Inbox {
  private readonly db: Db;
  private readonly logger: Logger;
  private readonly connectionsOf: (playerId: string) => Iterable<InboxConnection>;
  private readonly window: number;
  private readonly deliveries = new Map<string, Delivery>();
  private readonly readers = new Map<string, Reader>();
  /** Connections arriving together read their players' cursors in one query (see Batcher). */
  private readonly cursors: Batcher<{ acked: number; seq: number } | null>;
  private readonly bus: Bus;
  private unsubscribe: Unsubscribe | null = null;
  private closed = false;
  /** Resolves once notifications posted on other nodes wake this one (at once with one node). */
  readonly ready: Promise<void>;

  constructor(opts: InboxOptions) {
    this.db = opts.db;
    this.bus = opts.bus ?? new LocalBus('local', (err, context) => opts.logger.error({ err }, context));
    this.ready = this.bus
      .subscribe(INBOX_POSTED, ({ players }, from) => {
        // This node's own posts were flushed here when they were made.
        if (from === this.bus.nodeId) return;
        for (const playerId of players) void this.flushHere(playerId);
      })
      .then((stop) => {
        if (this.closed) stop();
        else this.unsubscribe = stop;
      });
    // Awaited by whoever starts the node; a failure must not also surface as an unhandled rejection.
    this.ready.catch(() => {});
    this.cursors = new Batcher(
      async (_, ids) => {
        const found = await inboxCursors(this.db, ids);
        return ids.map((id) => found.get(id) ?? null);
      },
      { lingerMs: STORE_BATCH_LINGER_MS },
    );
    this.logger = opts.logger;
    this.connectionsOf = opts.connectionsOf;
    this.window = opts.window ?? DEFAULT_WINDOW;
    if (!Number.isSafeInteger(this.window) || this.window < 1) {
      throw new Error(`inbox window must be a positive integer, got ${opts.window}`);
    }
  }

  /**
   * Stores a notification with the caller's executor and returns its seq. Does not deliver: call
   * flush() after the transaction commits (before, the row is not visible to the reader).
   */
  post(exec: Executor, playerId: string, n: NewNotification): Promise<number> {
    return insertNotification(exec, playerId, n);
  }

  /**
   * Sends every live connection of the player what it has not been sent yet, as far as its window
   * allows, and tells the other nodes to do the same with theirs; never rejects (resolves when this
   * node's connections were served).
   */
  flush(playerId: string): Promise<void> {
    this.bus.publish(INBOX_POSTED, { players: [playerId] });
    return this.flushHere(playerId);
  }

  /** No longer woken by other nodes' posts. */
  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** flush() for this node's connections only. */
  private async flushHere(playerId: string): Promise<void> {
    const runs: Promise<void>[] = [];
    try {
      for (const conn of this.connectionsOf(playerId)) runs.push(this.deliver(this.track(playerId, conn)));
    } catch (err) {
      // Callers fire and forget flushes after commit: a rejection here would go unhandled.
      this.logger.error({ err, playerId }, 'could not list the connections of a player');
    }
    await Promise.all(runs);
  }

  /**
   * A new connection: resolves once its unacknowledged backlog was sent, in order, as far as the
   * window allows (never rejects). Call it only once `connectionsOf` lists the connection: a post
   * committed after its first read reaches it through that post's flush.
   */
  connected(playerId: string, conn: InboxConnection): Promise<void> {
    return this.deliver(this.track(playerId, conn));
  }

  disconnected(connId: string): void {
    const delivery = this.deliveries.get(connId);
    if (!delivery) return;
    delivery.closed = true;
    this.deliveries.delete(connId);
    const { reader, playerId } = delivery;
    reader.connIds.delete(connId);
    if (reader.connIds.size === 0 && this.readers.get(playerId) === reader) this.readers.delete(playerId);
  }

  /**
   * The client has shown everything up to `upTo`; bad values (not a count, too large) are ignored.
   * Stores it, then sends the player's connections here what the window now allows (never rejects
   * for a failed delivery; rejects when the store cannot record the acknowledgement).
   */
  async ack(playerId: string, upTo: number): Promise<void> {
    if (!Number.isSafeInteger(upTo) || upTo < 0 || upTo > MAX_SEQ) {
      this.logger.debug({ playerId, upTo }, 'ignored a bad inbox acknowledgement');
      return;
    }
    const acked = await acknowledge(this.db, playerId, upTo);
    const reader = this.readers.get(playerId);
    // Unknown player, no connection here, or nothing new: no window opened further.
    if (acked === null || !reader || (reader.acked !== null && acked <= reader.acked)) return;
    learnAck(reader, acked);
    await this.flushHere(playerId);
  }

  /** Everything above the player's acknowledgement, in order (for tests and HTTP). */
  async unacknowledged(playerId: string): Promise<InboxMessage[]> {
    const cursor = await inboxCursor(this.db, playerId);
    if (!cursor) return [];
    const out: InboxMessage[] = [];
    await readAfter(this.db, playerId, cursor.acked, (page) => {
      out.push(...page);
      return true;
    });
    return out;
  }

  /** Connections are keyed by id; one first seen in a flush is tracked as if it had just connected. */
  private track(playerId: string, conn: InboxConnection): Delivery {
    let delivery = this.deliveries.get(conn.id);
    if (!delivery) {
      let reader = this.readers.get(playerId);
      if (!reader) {
        reader = { acked: null, connIds: new Set() };
        this.readers.set(playerId, reader);
      }
      reader.connIds.add(conn.id);
      delivery = { playerId, reader, conn, sentUpTo: null, chain: Promise.resolve(), closed: false };
      this.deliveries.set(conn.id, delivery);
    }
    return delivery;
  }

  /** Queues a catch-up on the connection's chain; resolves when it ran, failures logged. */
  private deliver(delivery: Delivery): Promise<void> {
    const run = delivery.chain.then(() => this.catchUp(delivery));
    delivery.chain = run.catch((err: unknown) => {
      this.logger.error(
        { err, playerId: delivery.playerId, connId: delivery.conn.id },
        'inbox delivery failed',
      );
    });
    return delivery.chain;
  }

  private async catchUp(delivery: Delivery): Promise<void> {
    if (delivery.closed) return;
    let sentUpTo = delivery.sentUpTo;
    let acked = delivery.reader.acked;
    if (sentUpTo === null || acked === null) {
      const cursor = await this.cursors.load('', delivery.playerId);
      if (!cursor) return; // unknown player: nothing to send (tried again on the next flush)
      acked = learnAck(delivery.reader, cursor.acked);
      sentUpTo = delivery.sentUpTo ??= acked;
      // Nothing issued beyond it (most connections, every new guest): no page to read. A
      // notification committed after this read is flushed to this connection, already tracked.
      if (cursor.seq <= sentUpTo) return;
    }
    for (;;) {
      // The window is read again before each page: an ack during the last read may have moved it.
      const room = (delivery.reader.acked ?? acked) + this.window - sentUpTo;
      if (delivery.closed || room <= 0) return;
      const limit = Math.min(INBOX_PAGE, room);
      const page = await notificationsAfter(this.db, delivery.playerId, sentUpTo, limit);
      for (const message of page) {
        if (delivery.closed) return;
        delivery.conn.send(message);
        // Advanced per message: if send throws, the next catch-up resumes with this one.
        sentUpTo = delivery.sentUpTo = message.seq;
      }
      if (page.length < limit) return;
    }
  }
}

/** Notifications a connection may be sent beyond the player's acknowledgement, by default. */
const DEFAULT_WINDOW = 50;

/** The protocol's acknowledgement bound (int4 in the store). */
const MAX_SEQ = 2 ** 31 - 1;

/** Raises what the reader knows of the player's acknowledgement (never lowers it); returns it. */
function learnAck(reader: Reader, acked: number): number {
  reader.acked = Math.max(reader.acked ?? acked, acked);
  return reader.acked;
}

/** Reads the notifications after `afterSeq` page by page; `onPage` returns false to stop early. */
async function readAfter(
  db: Db,
  playerId: string,
  afterSeq: number,
  onPage: (page: InboxMessage[]) => boolean,
): Promise<void> {
  let cursor = afterSeq;
  for (;;) {
    const page = await notificationsAfter(db, playerId, cursor, INBOX_PAGE);
    if (!onPage(page) || page.length < INBOX_PAGE) return;
    cursor = page[page.length - 1]!.seq;
  }
}
