import { chatServerEventSchemas } from '@perihelion/protocol';
import type { ChatSocket } from './chat-socket.js';

/** The socket's listener registry without its per-event typing (the table below is typed instead). */
interface UntypedSocket {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

type ServerEventName = keyof typeof chatServerEventSchemas;
type ServerEvent<E extends ServerEventName> = ReturnType<(typeof chatServerEventSchemas)[E]['parse']>;

/** What the client does with each thing the socket reports; payloads arrive already validated. */
export interface ChatServerHandlers {
  connect(): void;
  disconnect(reason: string): void;
  connectError(err: Error & { data?: unknown }): void;
  messages(batch: ServerEvent<'channel:messages'>): void;
  presence(change: ServerEvent<'presence'>): void;
  directory(directory: ServerEvent<'channels'>): void;
  channelClosed(closed: ServerEvent<'channel:closed'>): void;
  serverError(error: ServerEvent<'server:error'>): void;
}

/**
 * Listens to the socket's lifecycle and to every server → client `/chat` event, each validated
 * against the protocol's schemas first: the server is not trusted to be right, so a malformed event
 * is reported through `malformed` and ignored instead of reaching the bookkeeping. Returns the
 * function that stops listening (the socket is not ours to close).
 */
export function listenToChatServer(
  socket: ChatSocket,
  handlers: ChatServerHandlers,
  malformed: (event: string) => void,
): () => void {
  const validated =
    <E extends ServerEventName>(event: E, handle: (payload: ServerEvent<E>) => void) =>
    (raw: unknown) => {
      const parsed = chatServerEventSchemas[event].safeParse(raw);
      if (parsed.success) handle(parsed.data as ServerEvent<E>);
      else malformed(event);
    };
  const listeners: ReadonlyArray<readonly [string, (...args: never[]) => void]> = [
    ['connect', () => handlers.connect()],
    ['disconnect', (reason: string) => handlers.disconnect(reason)],
    ['connect_error', (err: Error & { data?: unknown }) => handlers.connectError(err)],
    ['channel:messages', validated('channel:messages', (batch) => handlers.messages(batch))],
    ['presence', validated('presence', (change) => handlers.presence(change))],
    ['channels', validated('channels', (directory) => handlers.directory(directory))],
    ['channel:closed', validated('channel:closed', (closed) => handlers.channelClosed(closed))],
    ['server:error', validated('server:error', (error) => handlers.serverError(error))],
  ];
  // Listened to by name from one table, so adding an event cannot forget its removal.
  const untyped = socket as unknown as UntypedSocket;
  for (const [event, listener] of listeners) untyped.on(event, listener);
  return () => {
    for (const [event, listener] of listeners) untyped.off(event, listener);
  };
}
