import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '@perihelion/db';
import type { TestStore, TestStoreTarget } from '@perihelion/db/testing';
import {
  CHAT_NAMESPACE,
  type ChannelDirectory,
  type ChannelMessages,
  type ErrorPayload,
  PROTOCOL_VERSION,
  type PublishResult,
  protocolError,
  type SubscribeResult,
} from '@perihelion/protocol';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterEach } from 'vitest';
import { type Authenticator, AuthRefusal, type Principal } from '../auth/principal.js';
import { SocketAuth } from '../auth/socket-auth.js';
import { createPlayer, quietLogger, suiteStore } from '../durable/test-support.js';
import { randomId } from '../ids.js';
import { type ChannelConfig, Channels } from './channels.js';
import { ChatGateway, type ChatNamespace } from './chat-gateway.js';
import { principal } from './test-support.js';

/*
 * Helpers shared by the gateway tests (not exported from the package).
 */

export type Transport = 'websocket' | 'polling';

/** Access tokens are plain strings mapped to principals; `expired` stands for an expired JWT. */
export class FakeAuthenticator implements Authenticator {
  readonly tokens = new Map<string, Principal>();
  issue(p: Principal): string {
    const token = randomId('tok', 8);
    this.tokens.set(token, p);
    return token;
  }
  async authenticate(token: string | undefined): Promise<Principal> {
    if (token === 'expired') throw new AuthRefusal(protocolError('SESSION_EXPIRED', 'your session expired'));
    const p = token === undefined ? undefined : this.tokens.get(token);
    if (!p) throw new AuthRefusal(protocolError('UNAUTHENTICATED', 'sign in first'));
    return p;
  }
}

/** A bare socket.io client on /chat that records every event. */
export class ChatClient {
  readonly socket: Socket;
  readonly received: { event: string; payload: unknown }[] = [];

  constructor(url: string, transport: Transport, auth: Record<string, unknown>) {
    this.socket = io(`${url}${CHAT_NAMESPACE}`, {
      transports: [transport],
      upgrade: false,
      reconnection: false,
      forceNew: true,
      auth,
    });
    this.socket.onAny((event: string, payload: unknown) => this.received.push({ event, payload }));
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  refusal(): Promise<ErrorPayload> {
    return new Promise((resolve) =>
      this.socket.once('connect_error', (err) => resolve((err as { data: ErrorPayload }).data)),
    );
  }

  events<T>(event: string): T[] {
    return this.received.filter((r) => r.event === event).map((r) => r.payload as T);
  }

  offsets(channel: string): number[] {
    return this.events<ChannelMessages>('channel:messages')
      .filter((b) => b.channel === channel)
      .flatMap((b) => b.messages.map((m) => m.offset));
  }

  directory(): string[] {
    return (
      this.events<ChannelDirectory>('channels')
        .at(-1)
        ?.channels.map((c) => c.name) ?? []
    );
  }

  subscribe(channel: string, after?: number): Promise<SubscribeResult> {
    return this.socket.emitWithAck(
      'channel:subscribe',
      after === undefined ? { channel } : { channel, after },
    );
  }

  publish(channel: string, text: string, extra: Record<string, unknown> = {}): Promise<PublishResult> {
    return this.socket.emitWithAck('channel:publish', { channel, text, nonce: randomId('n', 8), ...extra });
  }

  close(): void {
    this.socket.disconnect();
  }
}

/**
 * A `/chat` gateway on a fresh HTTP server with channel names of its own (`pub`, `ro`); what it
 * opens is closed by the function it hands to `cleanup`.
 */
export async function startGateway(
  db: Db,
  cleanup: (fn: () => Promise<void>) => void,
  overrides: Partial<ChannelConfig> = {},
  violationBurst = 40,
) {
  const http: HttpServer = createServer();
  const server = new Server(http, { transports: ['polling', 'websocket'], serveClient: false });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const auth = new FakeAuthenticator();
  const names = { pub: randomId('pub', 6), ro: randomId('ro', 6) };
  const channels = new Channels({
    db,
    logger: quietLogger(),
    config: {
      public: [names.pub],
      readonly: [names.ro],
      retention: 500,
      presenceGraceMs: 0,
      publishRate: { perSecond: 1000, burst: 1000 },
      ...overrides,
    },
    sectorOf: () => null,
  });
  const gateway = new ChatGateway({
    namespace: server.of(CHAT_NAMESPACE) as unknown as ChatNamespace,
    auth: new SocketAuth({ authenticator: auth, logger: quietLogger(), expiryGraceMs: 0 }),
    channels,
    logger: quietLogger(),
    guardLimits: {
      messagesPerSecond: 1000,
      messageBurst: 1000,
      violationBurst,
      violationsPerSecond: 0.001,
    },
  });
  const clients: ChatClient[] = [];
  cleanup(async () => {
    for (const c of clients) c.close();
    channels.close();
    await server.close();
  });
  /** A connected client of a new player (or of `as`), on the given transport. */
  const connect = async (transport: Transport, as?: Principal) => {
    const p = as ?? principal(await createPlayer(db));
    const client = new ChatClient(url, transport, {
      protocol: PROTOCOL_VERSION,
      accessToken: auth.issue(p),
    });
    clients.push(client);
    await client.connected();
    return { client, p };
  };
  const raw = (auth: Record<string, unknown>) => {
    const client = new ChatClient(url, 'websocket', auth);
    clients.push(client);
    return client;
  };
  return { url, server, auth, names, channels, gateway, connect, raw };
}

/**
 * The set-up every gateway suite repeats, inside its `describe`: the suite's store and a `start`
 * whose gateways (servers, clients) are closed after each test.
 */
export function gatewaySuite(target: TestStoreTarget) {
  let store: TestStore | undefined;
  suiteStore(target, (opened) => {
    store = opened;
  });
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const db = (): Db => {
    if (!store) throw new Error('the suite store is not open (skipped target?)');
    return store.db;
  };
  return {
    db,
    /** Closed with the test: for clients or anything else a test opens. */
    cleanup: (fn: () => Promise<void> | void) => cleanups.push(fn),
    start: (overrides: Partial<ChannelConfig> = {}, violationBurst = 40) =>
      startGateway(db(), (fn) => cleanups.push(fn), overrides, violationBurst),
  };
}
