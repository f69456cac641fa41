import { chatServerEventSchemas } from '@perihelion/protocol';
import type { ChatSocket } from './chat-socket.js';

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
  const onConnect = () => handlers.connect();
  const onDisconnect = (reason: string) => handlers.disconnect(reason);
  const onConnectError = (err: Error & { data?: unknown }) => handlers.connectError(err);
  const onMessages = validated('channel:messages', (batch) => handlers.messages(batch));
  const onPresence = validated('presence', (change) => handlers.presence(change));
  const onChannels = validated('channels', (directory) => handlers.directory(directory));
  const onClosed = validated('channel:closed', (closed) => handlers.channelClosed(closed));
  const onError = validated('server:error', (error) => handlers.serverError(error));
  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  socket.on('connect_error', onConnectError);
  socket.on('channel:messages', onMessages);
  socket.on('presence', onPresence);
  socket.on('channels', onChannels);
  socket.on('channel:closed', onClosed);
  socket.on('server:error', onError);
  return () => {
    socket.off('connect', onConnect);
    socket.off('disconnect', onDisconnect);
    socket.off('connect_error', onConnectError);
    socket.off('channel:messages', onMessages);
    socket.off('presence', onPresence);
    socket.off('channels', onChannels);
    socket.off('channel:closed', onClosed);
    socket.off('server:error', onError);
  };
}
