import { describe, expect, it } from 'vitest';
import { eventually, RawClient, startTestServer, type TransportName } from './testing/test-server.js';
import { accepted } from './testing/universe-client.js';

describe.each<TransportName>(['websocket', 'polling'])(
  'a joined connection that falls silent, over %s',
  (transport) => {
    it('is dropped by the server and leaves the others, while one that keeps talking stays', async () => {
      // A heartbeat far longer than the test's guards: only the member-silence rule can act.
      const server = await startTestServer({
        MEMBER_SILENCE_MS: '1500',
        PING_INTERVAL_MS: '600000',
        PING_TIMEOUT_MS: '600000',
      });
      const quiet = new RawClient(server.url, transport, { name: 'Quiet' });
      const talker = new RawClient(server.url, transport, { name: 'Talker' });
      const pinging = setInterval(() => {
        if (talker.socket.connected) talker.socket.emit('ping', 1, () => {});
      }, 300);
      try {
        const { playerId: quietId } = accepted(await quiet.join('silence'));
        accepted(await talker.join('silence'));
        await eventually(() => !quiet.socket.connected, 'the silent connection dropped', 60_000);
        await eventually(() => talker.leftPlayers().includes(quietId), 'the others told it left', 60_000);
        expect(talker.socket.connected).toBe(true);
      } finally {
        clearInterval(pinging);
        quiet.close();
        talker.close();
        await server.close();
      }
    });
  },
);
