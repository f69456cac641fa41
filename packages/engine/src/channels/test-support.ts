import type { Db } from '@perihelion/db';
import type { ChatMessage, ChatServerToClientEvents, Role, SubscribeResult } from '@perihelion/protocol';
import type { Principal } from '../auth/principal.js';
import { quietLogger, range } from '../durable/test-support.js';
import { randomId } from '../ids.js';
import { ChannelError } from './channel-error.js';
import { type ChannelConfig, Channels, type ChannelsOptions } from './channels.js';
import { LocalFanout } from './chat-fanout.js';
import type { ChatConnection } from './subscription.js';

/*
 * Helpers shared by the channel tests (not exported from the package).
 */

export const principal = (playerId: string, role: Role = 'player', name = playerId): Principal => ({
  playerId,
  name,
  role,
  expiresAt: Number.POSITIVE_INFINITY,
});

type PayloadOf<E extends keyof ChatServerToClientEvents> = Parameters<ChatServerToClientEvents[E]>[0];

type Sent = {
  [E in keyof ChatServerToClientEvents]: { event: E; payload: Parameters<ChatServerToClientEvents[E]>[0] };
}[keyof ChatServerToClientEvents];

/** A connection that records what it was sent, in order (acks included when a test logs them). */
export class RecordingChat implements ChatConnection {
  readonly id = randomId('c', 8);
  readonly log: (Sent | { event: 'ack'; payload: unknown })[] = [];
  dropped: string | null = null;

  constructor(public principal: Principal) {}

  send: ChatConnection['send'] = (event, payload) => {
    this.log.push({ event, payload } as Sent);
  };

  drop(reason: string): void {
    this.dropped = reason;
  }

  /** The offsets received on one channel, in arrival order. */
  offsets(channel: string): number[] {
    return this.messages(channel).map((m) => m.offset);
  }

  messages(channel: string): ChatMessage[] {
    return this.log.flatMap((e) =>
      e.event === 'channel:messages' && e.payload.channel === channel ? e.payload.messages : [],
    );
  }

  events<E extends keyof ChatServerToClientEvents>(event: E): PayloadOf<E>[] {
    const payloads: unknown[] = this.log.filter((e) => e.event === event).map((e) => e.payload);
    return payloads as PayloadOf<E>[];
  }

  /** Names in the newest directory received. */
  directory(): string[] {
    return (
      this.events('channels')
        .at(-1)
        ?.channels.map((c) => c.name) ?? []
    );
  }
}

/**
 * A hub with channel names of its own (a public `pub`, a read-only `ro`) on a shared store, with
 * helpers that connect, subscribe (recording the ack in the connection's log) and publish.
 */
export function openHub(
  db: Db,
  overrides: Partial<ChannelConfig> = {},
  options: Partial<ChannelsOptions> = {},
) {
  const pub = randomId('pub', 6);
  const ro = randomId('ro', 6);
  const sectors = new Map<string, string>();
  const config: ChannelConfig = {
    public: [pub],
    readonly: [ro],
    retention: 500,
    presenceGraceMs: 0,
    publishRate: { perSecond: 1000, burst: 1000 },
    ...overrides,
  };
  const channels = new Channels({
    db,
    logger: quietLogger(),
    config,
    sectorOf: (id) => sectors.get(id) ?? null,
    ...options,
  });
  const connect = async (p: Principal) => {
    const conn = new RecordingChat(p);
    await channels.connected(conn);
    return conn;
  };
  const subscribe = async (conn: RecordingChat, channel: string, after?: number) => {
    let result: SubscribeResult | undefined;
    await channels.subscribe(conn.id, after === undefined ? { channel } : { channel, after }, (res) => {
      result = res;
      conn.log.push({ event: 'ack', payload: res });
    });
    if (!result) throw new Error('subscribe was not answered');
    return result;
  };
  let nonce = 0;
  const publish = (conn: RecordingChat, channel: string, text: string) =>
    channels.publish(conn.id, { channel, text, nonce: `n${++nonce}` });
  const postMany = async (channel: string, n: number) => {
    for (const i of range(1, n)) await channels.post(channel, { text: `m${i}` });
  };
  return { channels, pub, ro, sectors, connect, subscribe, publish, postMany };
}

/** A LocalFanout that counts its broadcasts (all, and those of channel messages). */
export class CountingFanout extends LocalFanout {
  emits = 0;
  messageEmits = 0;
  override emit<E extends keyof ChatServerToClientEvents>(
    group: string,
    event: E,
    payload: Parameters<ChatServerToClientEvents[E]>[0],
  ): void {
    this.emits++;
    if (event === 'channel:messages') this.messageEmits++;
    super.emit(group, event, payload);
  }
}

/** A stored message of a test channel. */
export const message = (offset: number): ChatMessage => ({
  offset,
  sender: { id: 'p', name: 'P' },
  text: `m${offset}`,
  at: 0,
});

/** A channel's stored messages, readable like the store (pages after an offset), reads counted. */
export function storeOf(offsets: number[]) {
  const stored = offsets.map(message);
  const reads: number[] = [];
  return {
    stored,
    reads,
    read: async (_channel: string, after: number, limit: number) => {
      reads.push(after);
      return stored.filter((m) => m.offset > after).slice(0, limit);
    },
  };
}

/** The code of the ChannelError `p` rejects with (anything else fails the test). */
export async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ChannelError)) throw new Error(`expected a ChannelError, got ${String(err)}`);
  return err.error.code;
}
