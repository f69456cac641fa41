import { testStoreTargets } from '@perihelion/db/testing';
import { CHAT_NAMESPACE, PROTOCOL_VERSION } from '@perihelion/protocol';
import { Manager } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { createPlayer, eventually } from '../durable/test-support.js';
import { gatewaySuite } from './gateway-test-support.js';
import { principal } from './test-support.js';

/*
 * How the gateway ends a chat connection: the /chat namespace only (never the connection it
 * shares with /game), and on one violation budget with the InboundGuard.
 */

const targets = await testStoreTargets();

describe.each(targets)('ChatGateway drops on $name', (target) => {
  const run = it.skipIf(target.skipReason !== null);
  const suite = gatewaySuite(target);
  const { start } = suite;

  run(
    'a chat-only drop ends the /chat namespace only: another namespace on the connection lives on',
    async () => {
      const { url, server, auth, names } = await start({ publishRate: { perSecond: 0.001, burst: 1 } }, 2);
      server.of('/side').on('connection', (s) => s.on('ping', (ack: (res: string) => void) => ack('pong')));
      const manager = new Manager(url, {
        transports: ['websocket'],
        reconnection: false,
        autoConnect: false,
      });
      const side = manager.socket('/side');
      const chat = manager.socket(CHAT_NAMESPACE, {
        auth: {
          protocol: PROTOCOL_VERSION,
          accessToken: auth.issue(principal(await createPlayer(suite.db()))),
        },
      });
      suite.cleanup(() => {
        side.disconnect();
        chat.disconnect();
      });
      side.connect();
      chat.connect();
      await eventually(() => expect(side.connected && chat.connected).toBe(true));
      const reason = new Promise<string>((resolve) => chat.once('disconnect', (r) => resolve(r)));
      for (let i = 0; i < 6; i++)
        chat.emit('channel:publish', { channel: names.pub, text: 'spam', nonce: `s${i}` });
      expect(await reason).toBe('io server disconnect');
      expect(side.connected).toBe(true);
      expect(await side.timeout(5000).emitWithAck('ping')).toBe('pong');
    },
  );

  run('refusals and malformed messages draw on one violation budget', async () => {
    const { names, connect } = await start({}, 3);
    const ada = await connect('websocket');
    // Two refusals (a player may not post announcements) and two malformed messages: four
    // violations against a budget of three.
    expect(await ada.client.publish(names.ro, 'free ore!')).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await ada.client.publish(names.ro, 'free ore!')).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(ada.client.socket.connected).toBe(true);
    ada.client.socket.emit('no-such-event' as 'channel:read', { channel: names.pub, upTo: 1 });
    ada.client.socket.emit('no-such-event' as 'channel:read', { channel: names.pub, upTo: 1 });
    await eventually(() => expect(ada.client.socket.connected).toBe(false), 3000);
  });
});
