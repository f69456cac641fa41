import type { Server } from 'socket.io';

/** The server-side event one node sends the others to ask whether they hold a player. */
const HOLDS_PLAYER = 'perihelion:holds-player';

/**
 * How long an answer is waited for. Socket.IO's adapter waits for every node it knows, and keeps
 * a crashed node for up to 10 s: past this, the nodes that answered no are taken at their word.
 */
export const REACH_TIMEOUT_MS = 1000;

/**
 * Whether a player has a live game connection anywhere in the cluster: on this node (at once),
 * else by asking the other nodes through Socket.IO's adapter (serverSideEmit with acknowledgements,
 * one round trip over Redis). For an answer about one player (the publish API's `delivered`),
 * never for a broadcast.
 */
export class PlayerReach {
  constructor(
    private readonly io: Server,
    private readonly here: (playerId: string) => boolean,
    /** Whether the adapter spans nodes (the in-memory one cannot serverSideEmit). */
    private readonly clustered: boolean,
  ) {
    if (!clustered) return;
    io.on(HOLDS_PLAYER, (playerId: unknown, ack: unknown) => {
      if (typeof ack === 'function') ack(typeof playerId === 'string' && here(playerId));
    });
  }

  connected(playerId: string): Promise<boolean> {
    if (this.here(playerId)) return Promise.resolve(true);
    if (!this.clustered) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), REACH_TIMEOUT_MS);
      // On the adapter's own timeout the answers that came are passed along with the error.
      this.io.serverSideEmit(HOLDS_PLAYER, playerId, (_err: unknown, answers: unknown[] = []) => {
        clearTimeout(timer);
        resolve(answers.some((held) => held === true));
      });
    });
  }
}
