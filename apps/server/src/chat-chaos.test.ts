import { mulberry32 } from '@perihelion/game';
import { afterAll, describe, it } from 'vitest';
import { ChatChaos } from './testing/chat-chaos-support.js';
import { FaultProxy } from './testing/fault-proxy.js';
import { freshDataDir, GameServer } from './testing/server-process.js';

/*
 * Chaos on one server (see ChatChaos): a TCP proxy between the clients and the server keeps
 * cutting random connections, and the server is killed (SIGKILL) and started again once,
 * mid-conversation.
 */

const API_KEY = 'chaos-api-key-0123456789';
const ADMIN_TOKEN = 'chaos-admin-token-0123456789';

describe('chat under chaos', () => {
  const env = {
    DATA_DIR: freshDataDir(),
    AUTH_SECRET: 'chaos-secret-0123456789-0123456789-abcdef',
    API_KEY,
    ADMIN_TOKEN,
    PRESENCE_GRACE_MS: '500',
    LOG_LEVEL: 'info',
  };
  let server: GameServer | null = null;
  let proxy: FaultProxy | null = null;
  let chaos: ChatChaos | null = null;

  // The server is stopped whatever else fails: a test must never leave a process behind.
  afterAll(async () => {
    try {
      chaos?.closeAll();
      await proxy?.close();
    } finally {
      await server?.stop();
    }
  });

  it('every client ends with every message of its channels, in order, exactly once', async () => {
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
    console.log(`chat chaos seed: ${seed} (CHAOS_SEED=${seed} replays it)`);
    const random = mulberry32(seed);
    server = await GameServer.start({ env });
    proxy = await FaultProxy.start(server.url);
    const c = new ChatChaos({
      url: proxy.url,
      apiUrl: () => (server as GameServer).url,
      apiKey: API_KEY,
      adminToken: ADMIN_TOKEN,
      sector: 'chaos',
      pilots: 6,
      random,
    });
    chaos = c;
    await c.connectEveryone();
    c.planMessages();

    // Faults: random connections cut every 600 ms; one SIGKILL and restart after ~5 s.
    let dropped = 0;
    const faults = setInterval(() => {
      dropped += proxy?.dropSome(0.15, random) ?? 0;
    }, 600);
    try {
      await new Promise((r) => setTimeout(r, 5000));
      await server.kill();
      server = await GameServer.start({ env });
      proxy.retarget(server.url);
      const sent = await c.allSent();
      console.log(`chat chaos: ${sent} messages sent, ${dropped} connections cut, one restart`);
    } finally {
      clearInterval(faults);
    }
    await c.expectEveryMessageOnceInOrder();
  }, 240_000);
});
