import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { perihelionParser } from '@perihelion/protocol';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { tapInbound } from './inbound-tap.js';

async function serve(
  parser: typeof perihelionParser | undefined,
): Promise<{ url: string; io: Server; http: HttpServer }> {
  const http = createServer();
  const server = new Server(http, parser ? { parser } : {});
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, io: server, http };
}

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (check() ? resolve() : setTimeout(poll, 10));
    poll();
  });
}

describe('tapInbound', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  it.each(['websocket', 'polling'] as const)(
    'hands the tapped event to the handler instead of Socket.IO, over %s; other events pass as before',
    async (transport) => {
      const { url, io: server, http } = await serve(perihelionParser);
      cleanups.push(() => {
        server.close();
        http.close();
      });
      const tapped: number[] = [];
      const heard: string[] = [];
      let untap: (() => void) | null = null;
      server.of('/game').on('connection', (socket: ServerSocket) => {
        untap = tapInbound(socket, 'i', (payload) => tapped.push(payload[0]!));
        socket.on('i', () => heard.push('i'));
        socket.on('hello', (text: string) => heard.push(text));
      });
      const client: Socket = io(`${url}/game`, {
        parser: perihelionParser,
        transports: [transport],
        forceNew: true,
      });
      cleanups.push(() => client.close());
      await until(() => client.connected && untap !== null);
      client.emit('i', new Uint8Array([1]));
      client.emit('i', new Uint8Array([2]));
      client.emit('hello', 'there');
      await until(() => tapped.length === 2 && heard.length === 1);
      expect(tapped).toEqual([1, 2]);
      expect(heard).toEqual(['there']);

      untap!();
      client.emit('i', new Uint8Array([3]));
      await until(() => heard.length === 2);
      expect(heard).toEqual(['there', 'i']);
      expect(tapped).toEqual([1, 2]);
    },
  );

  it('is null with a parser that cannot tap: the event keeps the normal path', async () => {
    const { url, io: server, http } = await serve(undefined);
    cleanups.push(() => {
      server.close();
      http.close();
    });
    let result: unknown = 'unset';
    server.of('/game').on('connection', (socket: ServerSocket) => {
      result = tapInbound(socket, 'i', () => {});
    });
    const client: Socket = io(`${url}/game`, { transports: ['websocket'], forceNew: true });
    cleanups.push(() => client.close());
    await until(() => result !== 'unset');
    expect(result).toBeNull();
  });
});
