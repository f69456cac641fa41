import type { ErrorPayload } from '@perihelion/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeChatServer } from './fake-chat-server.js';
import { player } from './test-support.js';

/*
 * RATE_LIMITED says "not now", not "never": the publish stays in the outbox (shown as pending, in
 * order) and is sent again after a pause that grows while the server keeps refusing.
 */

const SLOW_DOWN: ErrorPayload = { code: 'RATE_LIMITED', message: 'slow down', event: 'channel:publish' };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/**
 * A server that refuses the first `refusals` publishes (of `text` only, if given) with
 * RATE_LIMITED; records when each came.
 */
function limitedServer(refusals: number, text?: string) {
  const server = new FakeChatServer();
  const attempts: Array<{ text: string; at: number }> = [];
  let left = refusals;
  server.refusePublish = (req) => {
    attempts.push({ text: req.text, at: Date.now() });
    if (text !== undefined && req.text !== text) return null;
    return left-- > 0 ? SLOW_DOWN : null;
  };
  return { server, attempts };
}

describe('ChatClient publishing when rate-limited', () => {
  it('keeps the message pending, in order, and sends it again after a pause', async () => {
    const { server, attempts } = limitedServer(2);
    const { socket, chat } = player(server, 'a');
    const errors: ErrorPayload[] = [];
    chat.on('error', (e) => errors.push(e));
    socket.connect();
    const start = Date.now();
    const one = chat.publish('global', 'one');
    const two = chat.publish('global', 'two');
    let outcome = 'unsettled';
    one.then(
      () => (outcome = 'resolved'),
      (err: { code?: string }) => (outcome = `rejected ${err.code}`),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome).toBe('unsettled');
    expect(chat.pending('global').map((p) => p.text)).toEqual(['one', 'two']);
    expect(chat.rateLimited).toBe(true);
    expect(errors).toEqual([SLOW_DOWN]);

    await vi.advanceTimersByTimeAsync(999);
    expect(attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toHaveLength(2);
    // Refused again: the next pause is longer, and the UI was already told.
    await vi.advanceTimersByTimeAsync(1999);
    expect(attempts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect((await one).offset).toBe(1);
    expect((await two).offset).toBe(2);
    expect(attempts.map((a) => [a.text, a.at - start])).toEqual([
      ['one', 0],
      ['one', 1000],
      ['one', 3000],
      ['two', 3000],
    ]);
    expect(server.stored('global').map((m) => m.text)).toEqual(['one', 'two']);
    expect(errors).toHaveLength(1);
    expect(chat.rateLimited).toBe(false);
    expect(chat.pending()).toEqual([]);
  });

  it('the pause grows up to 5 s, holds every channel, and a new episode is reported again', async () => {
    const { server, attempts } = limitedServer(6, 'first');
    const { socket, chat } = player(server, 'a');
    const errors: string[] = [];
    chat.on('error', (e) => errors.push(e.code));
    socket.connect();
    const start = Date.now();
    const first = chat.publish('global', 'first');
    await vi.advanceTimersByTimeAsync(0);
    const other = chat.publish('team:red', 'other');
    await vi.advanceTimersByTimeAsync(100);
    // While slowed down, nothing else goes either.
    expect(attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(30_000);
    await Promise.all([first, other]);
    const global = attempts.filter((a) => a.text === 'first').map((a) => a.at - start);
    expect(global.slice(1).map((at, i) => at - global[i]!)).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
    expect(errors).toEqual(['RATE_LIMITED']);

    server.refusePublish = (req) => (req.text === 'again' && errors.length < 2 ? SLOW_DOWN : null);
    const again = chat.publish('global', 'again');
    await vi.advanceTimersByTimeAsync(1000);
    expect((await again).offset).toBe(2);
    expect(errors).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('survives a reconnect while waiting, and still rejects refusals that will not pass', async () => {
    const { server } = limitedServer(1);
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const kept = chat.publish('global', 'kept');
    await vi.advanceTimersByTimeAsync(0);
    socket.drop();
    socket.connect();
    await vi.advanceTimersByTimeAsync(1000);
    expect((await kept).offset).toBe(1);
    server.refusePublish = (req) =>
      req.text === 'nope' ? { code: 'FORBIDDEN', message: 'read-only', event: 'channel:publish' } : null;
    const refused = chat.publish('announcements', 'nope');
    const next = chat.publish('announcements', 'fine');
    await expect(refused).rejects.toMatchObject({ name: 'ChatError', code: 'FORBIDDEN' });
    await expect(next).resolves.toMatchObject({ offset: 1 });
  });
});
