import type { ChatClientToServerEvents, ChatServerToClientEvents } from '@perihelion/protocol';
import type { Socket } from 'socket.io-client';

/** The `/chat` namespace socket; someone else creates and connects it (usually the GameClient). */
export type ChatSocket = Socket<ChatServerToClientEvents, ChatClientToServerEvents>;
