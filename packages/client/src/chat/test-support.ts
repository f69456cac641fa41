import type { ChannelKind, ChatMessage, SubscribeAccepted, SubscribeRequest } from '@perihelion/protocol';
import { ChatClient } from './chat-client.js';
import type { ChatClientOptions } from './chat-client-options.js';
import type { FakeChatServer, FakeChatSocket } from './fake-chat-server.js';
import { FakeSocketBase, type Listener } from './fake-socket-base.js';

/*
 * Helpers for the chat client's unit tests (not part of the package's API).
 */

/** Lets every packet on its way arrive (each hop is a microtask; a macrotask runs them all). */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export const offsets = (messages: readonly ChatMessage[]) => messages.map((m) => m.offset);
export const texts = (messages: readonly ChatMessage[]) => messages.map((m) => m.text);
export const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** A ChatClient of player `id` on a fake server's socket (not connected yet). */
export function player(
  server: FakeChatServer,
  id: string,
  options: Partial<ChatClientOptions> = {},
): { socket: FakeChatSocket; chat: ChatClient } {
  const socket = server.socket(id, id.toUpperCase());
  const chat = new ChatClient(socket.typed(), {
    self: () => id,
    autoSubscribe: false,
    readIntervalMs: 0,
    retryDelayMs: 0,
    ...options,
  });
  return { socket, chat };
}

/** The subscribe requests a fake socket sent for `channel`, oldest first. */
export function subscribesOf(socket: FakeChatSocket, channel: string): unknown[] {
  return socket.emitted
    .filter((p) => p.event === 'channel:subscribe' && (p.payload as { channel: string }).channel === channel)
    .map((p) => p.payload);
}

/** A stored message as the server sends it. */
export function message(offset: number, sender = 'x'): ChatMessage {
  return { offset, sender: { id: sender, name: sender.toUpperCase() }, text: `m${offset}`, at: offset };
}

/** A subscribe answer that accepts, at `head`. */
export function accepted(
  channel: string,
  head: number,
  more: Partial<SubscribeAccepted> = {},
): SubscribeAccepted {
  const kind: ChannelKind = channel.startsWith('sector:') ? 'sector' : 'public';
  return {
    ok: true,
    channel,
    kind,
    head,
    retainedFrom: 1,
    gap: false,
    readUpTo: 0,
    presence: [],
    presenceCount: 0,
    ...more,
  };
}

/** One packet a ScriptedSocket sent, with its ack (null when it asked for none). */
export interface ScriptedPacket {
  event: string;
  payload: unknown;
  ack: Listener | null;
}

/**
 * A socket whose server is the test itself: it records what the client sends, and the test
 * answers (any ack, in any order) and delivers server events by hand, synchronously. For races
 * the in-memory server cannot stage.
 */
export class ScriptedSocket extends FakeSocketBase {
  connected = false;
  active = false;
  readonly sent: ScriptedPacket[] = [];

  emit(event: string, ...args: unknown[]): this {
    if (!this.connected) return this;
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (args.pop() as Listener) : null;
    this.sent.push({ event, payload: args[0], ack });
    return this;
  }

  connect(): this {
    this.connected = true;
    this.active = true;
    this.fire('connect');
    return this;
  }

  drop(reason = 'transport close'): void {
    this.connected = false;
    this.active = reason !== 'io server disconnect';
    this.fire('disconnect', reason);
  }

  /** A server → client event. */
  deliver(event: string, payload: unknown): void {
    this.fire(event, payload);
  }

  /** The subscribes sent for `channel`, oldest first. */
  subscribes(channel: string): Array<ScriptedPacket & { payload: SubscribeRequest }> {
    return this.sent.filter(
      (p): p is ScriptedPacket & { payload: SubscribeRequest } =>
        p.event === 'channel:subscribe' && (p.payload as SubscribeRequest).channel === channel,
    );
  }
}
