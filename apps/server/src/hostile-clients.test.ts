import { encodeInput, MAX_MESSAGE_BYTES, MAX_TRANSPORT_BYTES } from '@perihelion/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from './server.js';
import { eventually, RawClient, startTestServer, type TransportName } from './testing/test-server.js';

function connectError(c: RawClient): Promise<{ message: string; data?: { code: string; message: string } }> {
  return new Promise((resolve) => c.socket.once('connect_error', resolve));
}

describe.each<TransportName>(['websocket', 'polling'])('hostile clients over %s', (transport) => {
  let server: RunningServer;
  let bystander: RawClient;
  const clients: RawClient[] = [];
  const client = (auth: Record<string, unknown> = {}) => {
    const c = new RawClient(server.url, transport, auth);
    clients.push(c);
    return c;
  };

  /** The bystander keeps playing; its snapshots must keep flowing whatever others do. */
  async function bystanderStillPlays(): Promise<void> {
    const before = bystander.snapshots.length;
    await eventually(() => {
      bystander.input(0);
      return bystander.snapshots.length >= before + 5;
    }, 'bystander snapshots');
    expect(bystander.socket.connected).toBe(true);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  }

  beforeEach(async () => {
    server = await startTestServer();
    bystander = client({ name: 'Bystander' });
    await bystander.join('alpha');
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
  });

  it('refuses a client speaking another protocol version, with a clear reason', async () => {
    const c = client({ protocol: 999 });
    const err = await connectError(c);
    expect(err.data?.code).toBe('PROTOCOL_MISMATCH');
    expect(err.data?.message).toMatch(/protocol 999/);
  });

  it('refuses a malformed handshake', async () => {
    const c = client({ accessToken: 42 });
    const err = await connectError(c);
    expect(err.data?.code).toBe('BAD_HANDSHAKE');
    expect(err.data?.message).toMatch(/accessToken/);
  });

  it('answers wrong shapes, unknown events and oversized messages with typed errors', async () => {
    const c = client();
    await c.join('alpha');
    c.socket.emit('i', { seq: 'one' });
    c.socket.emit('i', encodeInput([1, 99999, 0]));
    c.socket.emit('join', { sector: '../../etc/passwd' });
    c.socket.emit('teleport', { x: 0, y: 0 });
    c.socket.emit('i', 'x'.repeat(MAX_MESSAGE_BYTES + 10));
    c.socket.emit('ping', new Uint8Array([1, 2, 3]));
    await eventually(() => c.errors.length >= 6, 'six errors');
    expect(c.errors.map((e) => e.code)).toEqual([
      'BAD_MESSAGE',
      'BAD_MESSAGE',
      'BAD_MESSAGE',
      'UNKNOWN_EVENT',
      'PAYLOAD_TOO_LARGE',
      'BAD_MESSAGE',
    ]);
    for (const e of c.errors) expect(e.message).toMatch(/\w{3,}/);
    expect(c.socket.connected).toBe(true);
    await bystanderStillPlays();
  });

  it('answers a malformed join request through its acknowledgement', async () => {
    const c = client();
    await c.connected();
    const res = await c.socket.emitWithAck('join', { sector: 'Not A Sector!' });
    expect(res).toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE', event: 'join' } });
    expect(res.error.message).toMatch(/sector/);
  });

  it('disconnects a client that sends more than the transport allows', async () => {
    const c = client();
    await c.join('alpha');
    const gone = new Promise<string>((resolve) => c.socket.once('disconnect', resolve));
    c.socket.emit('i', 'x'.repeat(MAX_TRANSPORT_BYTES * 2));
    expect(await gone).toBeTruthy();
    await bystanderStillPlays();
  });

  it('rate-limits a burst of hundreds of messages, then disconnects the flooder', async () => {
    const c = client();
    await c.join('alpha');
    const gone = new Promise<string>((resolve) => c.socket.once('disconnect', resolve));
    for (let i = 0; i < 600; i++) c.socket.emit('ping', i);
    await gone;
    expect(c.errors.some((e) => e.code === 'RATE_LIMITED')).toBe(true);
    await bystanderStillPlays();
  });

  it('survives garbage from many clients at once', async () => {
    const junk: unknown[] = [null, 42, 'str', [], {}, [1, 2, 3, 4], { sector: 7 }, new Uint8Array(64)];
    const many = Array.from({ length: 8 }, () => client());
    await Promise.all(many.map((c) => c.connected()));
    for (const c of many)
      for (const j of junk) for (const ev of ['join', 'i', 'ping', 'leave', '']) c.socket.emit(ev, j);
    await bystanderStillPlays();
  });
});
