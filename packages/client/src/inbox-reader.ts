import type { InboxMessage } from '@perihelion/protocol';
import type { InboxCursorStore } from './api.js';

export interface InboxReaderOptions {
  /**
   * Least time between two acknowledgements (default 100 ms; 0 acknowledges once per microtask).
   * Receipts inside it are answered by one acknowledgement at its end. Coalescing per microtask
   * alone answers a backlog that arrives in one batch (long-polling, or held until the player is
   * known) with one message, but over WebSocket every notification arrives in a task of its own:
   * one acknowledgement each would spend the connection's message budget (which inputs share) and
   * get the client rate-limited, then dropped as abusive.
   */
  ackIntervalMs?: number;
}

const DEFAULT_ACK_INTERVAL_MS = 100;

/**
 * Turns the server's at-least-once notification delivery into exactly-once display: a sequence
 * number at or below what was already shown is only acknowledged again (the server resends
 * unacknowledged notifications after a reconnect), never shown twice.
 *
 * Acknowledgements are coalesced: at most one per microtask and per `ackIntervalMs`, always of the
 * highest seq received so far, so a backlog of any length costs a few messages. Repeats are
 * acknowledged too, so the server's pointer moves (and its delivery window with it) even when
 * everything that arrived had been shown before.
 */
export class InboxReader {
  private playerId: string | null = null;
  private shownUpTo = 0;
  /** Highest seq received for this player: what the next acknowledgement says. */
  private receivedUpTo = 0;
  /** Arrived before we knew whose cursor to read (the inbox is sent as soon as we connect). */
  private held: InboxMessage[] = [];
  /** Something was received since the last acknowledgement. */
  private ackDue = false;
  /** An acknowledgement is queued, or the interval after the last one has not passed yet. */
  private ackBusy = false;
  private readonly ackIntervalMs: number;

  constructor(
    private readonly cursor: InboxCursorStore | undefined,
    private readonly show: (message: InboxMessage) => void,
    private readonly acknowledge: (upTo: number) => void,
    options: InboxReaderOptions = {},
  ) {
    this.ackIntervalMs = Math.max(0, options.ackIntervalMs ?? DEFAULT_ACK_INTERVAL_MS);
  }

  /** The player is known (first join); notifications may arrive before it and are held. */
  setPlayer(playerId: string): void {
    if (this.playerId === playerId) return;
    this.playerId = playerId;
    this.shownUpTo = this.cursor?.load(playerId) ?? 0;
    // Receipts of another player must not be acknowledged as this one's.
    this.receivedUpTo = 0;
    this.ackDue = false;
    const held = this.held;
    this.held = [];
    for (const message of held) this.receive(message);
  }

  receive(message: InboxMessage): void {
    if (!this.playerId) {
      this.held.push(message);
      return;
    }
    if (message.seq > this.shownUpTo) {
      this.shownUpTo = message.seq;
      this.cursor?.save(this.playerId, message.seq);
      this.show(message);
    }
    if (message.seq > this.receivedUpTo) this.receivedUpTo = message.seq;
    this.ackDue = true;
    if (!this.ackBusy) {
      this.ackBusy = true;
      queueMicrotask(() => this.sendAck());
    }
  }

  /** Sends the due acknowledgement, then stays busy for the interval (and acks again after it). */
  private sendAck(): void {
    if (!this.ackDue || this.receivedUpTo === 0) {
      this.ackBusy = false;
      return;
    }
    this.ackDue = false;
    if (this.ackIntervalMs > 0) setTimeout(() => this.sendAck(), this.ackIntervalMs);
    else this.ackBusy = false;
    this.acknowledge(this.receivedUpTo);
  }
}
