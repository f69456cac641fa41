import type { ChatSocket } from './chat-socket.js';

export type Listener = (...args: unknown[]) => void;

/**
 * The listener registry every test stand-in for a `/chat` socket needs (the in-memory server's
 * socket and the hand-driven one): on/off like Socket.IO's, and `fire` to call what is listening.
 */
export abstract class FakeSocketBase {
  private readonly listeners = new Map<string, Set<Listener>>();

  /** Typed as the real thing, for `new ChatClient(socket.typed(), …)`. */
  typed(): ChatSocket {
    return this as unknown as ChatSocket;
  }

  on(event: string, listener: Listener): this {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return this;
  }

  off(event: string, listener: Listener): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  protected fire(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(...args);
  }
}
