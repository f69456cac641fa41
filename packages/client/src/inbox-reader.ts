import type { InboxMessage } from '@perihelion/protocol';
import type { InboxCursorStore } from './api.js';

/**
 * Turns the server's at-least-once notification delivery into exactly-once display: a sequence
 * number at or below what was already shown is only acknowledged again (the server resends
 * unacknowledged notifications after a reconnect), never shown twice.
 */
export class InboxReader {
  private playerId: string | null = null;
  private shownUpTo = 0;
  /** Arrived before we knew whose cursor to read (the inbox is sent as soon as we connect). */
  private held: InboxMessage[] = [];

  constructor(
    private readonly cursor: InboxCursorStore | undefined,
    private readonly show: (message: InboxMessage) => void,
    private readonly acknowledge: (upTo: number) => void,
  ) {}

  /** The player is known (first join); notifications may arrive before it and are held. */
  setPlayer(playerId: string): void {
    if (this.playerId === playerId) return;
    this.playerId = playerId;
    this.shownUpTo = this.cursor?.load(playerId) ?? 0;
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
    this.acknowledge(message.seq);
  }
}
