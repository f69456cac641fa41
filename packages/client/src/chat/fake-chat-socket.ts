import type { ErrorPayload, PresenceEntry } from '@perihelion/protocol';
import type { FakeChatServer } from './fake-chat-server.js';
import { FakeSocketBase, type Listener } from './fake-socket-base.js';

/*
 * The connection side of the in-memory `/chat` server (fake-chat-server.ts): what a connection
 * looks like on the server, and the client socket the ChatClient is given.
 */

export type { Listener } from './fake-socket-base.js';

/** One connection's server side: what it subscribed to and how far each was sent. */
export class FakeConnection {
  /** channel → highest offset sent on this connection. */
  readonly subscriptions = new Map<string, number>();

  constructor(
    readonly socket: FakeChatSocket,
    readonly player: PresenceEntry,
    private readonly alive: () => boolean,
  ) {}

  send(event: string, payload: unknown): void {
    queueMicrotask(() => {
      if (this.alive()) this.socket.deliver(event, payload);
    });
  }

  answer(ack: Listener, payload: unknown): void {
    queueMicrotask(() => {
      if (this.alive()) ack(payload);
    });
  }
}

/**
 * The client side of a fake connection, shaped like a socket.io-client Socket as far as the
 * ChatClient uses one (connected, on, off, emit with an ack). Like Socket.IO, emitting while
 * disconnected is not an error; unlike its default buffering, the packet is simply lost (the
 * ChatClient never relies on the buffer).
 */
export class FakeChatSocket extends FakeSocketBase {
  connected = false;
  /** Like Socket.IO's: connected, or about to reconnect by itself (a network drop). */
  active = false;
  /** How often something called connect() (the ChatClient does after a server disconnect). */
  connects = 0;
  private connection: FakeConnection | null = null;
  /** Every client → server packet (event, payload), including those lost to a disconnect. */
  readonly emitted: Array<{ event: string; payload: unknown }> = [];

  constructor(
    private server: FakeChatServer,
    readonly player: PresenceEntry,
  ) {
    super();
  }

  emit(event: string, ...args: unknown[]): this {
    this.emitted.push({ event, payload: args[0] });
    const connection = this.connection;
    if (!this.connected || !connection) return this;
    queueMicrotask(() => {
      if (this.connection === connection) this.server.handle(connection, event, args);
    });
    return this;
  }

  /** Connects (to another server instance, if given: a restarted one with a fresh store). */
  connect(server: FakeChatServer = this.server): this {
    this.connects++;
    if (this.connected) return this;
    this.server = server;
    const connection: FakeConnection = new FakeConnection(
      this,
      this.player,
      () => this.connection === connection,
    );
    this.connection = connection;
    this.connected = true;
    this.active = true;
    server.attach(connection);
    this.fire('connect');
    return this;
  }

  /**
   * The network drops: both sides see it, and everything on its way is lost. With `io server
   * disconnect` (the server closed it) Socket.IO does not reconnect by itself.
   */
  drop(reason = 'transport close'): void {
    if (!this.connected || !this.connection) return;
    const connection = this.connection;
    this.connection = null;
    this.connected = false;
    this.active = reason !== 'io server disconnect';
    this.server.detach(connection);
    this.fire('disconnect', reason);
  }

  /** The server's middleware refuses the handshake (Socket.IO then stops retrying). */
  refuse(error: ErrorPayload): void {
    this.active = false;
    this.fire('connect_error', Object.assign(new Error(error.message), { data: error }));
  }

  /** @internal A packet from the server. */
  deliver(event: string, payload: unknown): void {
    this.fire(event, payload);
  }
}
