import type { ChatClient } from '@perihelion/client';
import { ChatState, type ChatStateOptions } from './chat-state.js';

interface HotChat {
  chat?: ChatState;
}

/*
 * The page's one ChatState, parked in import.meta.hot.data like the session itself: a hot reload
 * of the HUD (or of this module) finds the same tabs, the same open conversation, the same
 * listeners on the one ChatClient.
 */
const hot: HotChat = import.meta.hot ? (import.meta.hot.data as HotChat) : {};

/**
 * Makes `chat` this page's chat: the HUD shows it as the chat panel and window.__QA__ reports it.
 * Call once, where the session creates its connection; calling again with the same client returns
 * the same state.
 */
export function mountChat(chat: ChatClient, options: ChatStateOptions = {}): ChatState {
  if (hot.chat?.client === chat) return hot.chat;
  const state = new ChatState(chat, options);
  hot.chat = state;
  return state;
}

/** The mounted chat, or null while there is none (the HUD then shows no chat panel). */
export function mountedChat(): ChatState | null {
  return hot.chat ?? null;
}
