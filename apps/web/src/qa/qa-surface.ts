import type { QaState, QaSurface } from '@perihelion/protocol';
import { mountedChat } from '../session/chat-session.js';
import type { GameSession } from '../session/session.js';

declare global {
  interface Window {
    readonly __QA__?: QaSurface;
  }
}

/**
 * Installs the read-only window.__QA__ once per page. It reads the session (which survives hot
 * reload), so a reloaded scene keeps feeding the same surface; tests can neither replace the
 * object nor reach into the game through it.
 */
export function installQaSurface(session: GameSession): void {
  if (Object.hasOwn(window, '__QA__')) return;
  const surface: QaSurface = Object.freeze({ state: () => readState(session) });
  Object.defineProperty(window, '__QA__', { value: surface, enumerable: true });
}

/**
 * The latest drawn frame: every field describes the same moment, as the player saw it. Chat and
 * presence come from the chat model the chat panel draws from, as they are now.
 */
function readState({ frame }: GameSession): QaState {
  const { state } = frame;
  const chat = mountedChat();
  // Copies: what a test holds must not change under it, nor change the game.
  return {
    connected: state.connected,
    transport: state.transport,
    node: state.node,
    playerId: state.playerId,
    sector: state.sector,
    serverTick: state.serverTick,
    pingMs: state.pingMs,
    connects: state.connects,
    contentVersion: state.contentVersion,
    contentProblem: state.contentProblem
      ? {
          source: state.contentProblem.source,
          issues: state.contentProblem.issues.map((i) => ({ ...i })),
        }
      : null,
    ownVelocity: state.ownVelocity ? { ...state.ownVelocity } : null,
    entities: state.entities.map((e) => ({ ...e })),
    profile: state.profile ? { ...state.profile } : null,
    structures: state.structures.map((s) => ({ ...s })),
    notifications: state.notifications.map((n) => ({ ...n })),
    worldEvent: state.worldEvent ? { ...state.worldEvent } : null,
    chat: chat ? chat.qaChat() : {},
    presence: chat ? chat.qaPresence() : {},
  };
}
