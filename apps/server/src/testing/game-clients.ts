import { GameClient, type GameClientOptions } from '@perihelion/client';

/** Quick reconnects: a test that drops a connection waits a fraction of a second, not seconds. */
export const QUICK_RECONNECT = { reconnectionDelay: 100, reconnectionDelayMax: 300 };

/** A GameClient that reconnects quickly, already connecting, added to `clients` for the test's clean-up. */
export function connectGameClient(clients: GameClient[], options: GameClientOptions): GameClient {
  const client = new GameClient({ socketOptions: QUICK_RECONNECT, ...options });
  clients.push(client);
  client.connect();
  return client;
}
