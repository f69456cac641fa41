import { createNonce } from './nonce.js';

/** Where a published message was stored. */
export interface PublishReceipt {
  channel: string;
  offset: number;
  /** When the server stored it, ms since the epoch. */
  at: number;
}

/** A publish not answered yet, as an app may show it ("sending…"). */
export interface PendingPublish {
  readonly channel: string;
  readonly text: string;
  readonly nonce: string;
}

export interface OutboxEntry extends PendingPublish {
  /** Connection epoch it was last sent on, or null when it is waiting to be (re)sent. */
  sentOn: number | null;
  /** Which send of the publisher it was last (its sequence number; 0 = never sent). */
  sendNumber: number;
  /** A transient refusal: not before this time (Date.now()). */
  notBefore: number;
  resolve(receipt: PublishReceipt): void;
  reject(error: Error): void;
}

/**
 * Publishes until the server has answered them, oldest first. Each keeps its nonce for life, so
 * a publish re-sent after a reconnect (its answer may have been lost with the old connection) is
 * stored once: the server answers a repeated nonce with the offset it stored the first time.
 *
 * Per channel only the oldest entry is in flight: the server handles a connection's events
 * concurrently, and one at a time is what keeps a player's own messages in the order they were
 * written.
 */
export class Outbox {
  private entries: OutboxEntry[] = [];

  get size(): number {
    return this.entries.length;
  }

  add(
    channel: string,
    text: string,
    resolve: (receipt: PublishReceipt) => void,
    reject: (error: Error) => void,
  ): OutboxEntry {
    const entry: OutboxEntry = {
      channel,
      text,
      nonce: createNonce(),
      sentOn: null,
      sendNumber: 0,
      notBefore: 0,
      resolve,
      reject,
    };
    this.entries.push(entry);
    return entry;
  }

  pending(channel?: string): PendingPublish[] {
    return this.entries
      .filter((e) => channel === undefined || e.channel === channel)
      .map(({ channel, text, nonce }) => ({ channel, text, nonce }));
  }

  /** The entries to send now on connection `epoch`: the oldest of each channel, if not in flight. */
  due(epoch: number, now: number): OutboxEntry[] {
    const seen = new Set<string>();
    const due: OutboxEntry[] = [];
    for (const entry of this.entries) {
      if (seen.has(entry.channel)) continue;
      seen.add(entry.channel);
      if (entry.sentOn === epoch || entry.notBefore > now) continue;
      due.push(entry);
    }
    return due;
  }

  /** The earliest time a held-back entry may go, or null when none is held back. */
  nextRetryAt(now: number): number | null {
    let at: number | null = null;
    for (const entry of this.entries) {
      if (entry.notBefore > now && (at === null || entry.notBefore < at)) at = entry.notBefore;
    }
    return at;
  }

  /** True while `entry` is still waiting for its answer. */
  has(entry: OutboxEntry): boolean {
    return this.entries.includes(entry);
  }

  remove(entry: OutboxEntry): void {
    const i = this.entries.indexOf(entry);
    if (i >= 0) this.entries.splice(i, 1);
  }

  /** Everything is re-sent on the next connection. */
  connectionLost(): void {
    for (const entry of this.entries) entry.sentOn = null;
  }

  /** Takes every entry out (the client is closing). */
  drain(): OutboxEntry[] {
    const all = this.entries;
    this.entries = [];
    return all;
  }
}
