import {
  CHAT_NAMESPACE,
  type ChatClientToServerEvents,
  type ChatServerToClientEvents,
} from '@perihelion/protocol';
import type { TransportChoice } from '../api.js';
import { ClientLink } from '../client-link.js';
import { SessionAuth } from '../session-auth.js';
import { ChatClient } from './chat-client.js';
import type { ChatClientOptions } from './chat-client-options.js';

export interface ChatOnlyOptions {
  /** Server origin, e.g. "http://127.0.0.1:3000"; empty string = the page's own origin. */
  url: string;
  /** Display name for a new profile (or a rename of the one `token` names). */
  name?: string;
  /** The profile token of an earlier session: the same player. */
  token?: string;
  adminToken?: string;
  transport?: TransportChoice;
  socketOptions?: Record<string, unknown>;
  chat?: Omit<ChatClientOptions, 'self'>;
}

export interface ChatOnlyClient {
  readonly chat: ChatClient;
  readonly auth: SessionAuth;
  readonly link: ClientLink;
  close(): void;
}

/**
 * Channels without the game: a session, one connection and a ChatClient on it, connecting at
 * once. For services, bots and tests that only talk (a GameClient has `chat` built in).
 */
export function connectChat(opts: ChatOnlyOptions): ChatOnlyClient {
  const auth = new SessionAuth({
    url: opts.url,
    ...(opts.token !== undefined ? { profileToken: opts.token } : {}),
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.adminToken !== undefined ? { adminToken: opts.adminToken } : {}),
  });
  const link = new ClientLink({
    url: opts.url,
    auth,
    ...(opts.transport !== undefined ? { transport: opts.transport } : {}),
    ...(opts.socketOptions !== undefined ? { socketOptions: opts.socketOptions } : {}),
  });
  const socket = link.socket<ChatServerToClientEvents, ChatClientToServerEvents>(CHAT_NAMESPACE);
  const chat = new ChatClient(socket, { ...opts.chat, self: () => auth.session?.playerId ?? null });
  chat.connect();
  return {
    chat,
    auth,
    link,
    close() {
      chat.close();
      link.close();
      auth.close();
    },
  };
}
