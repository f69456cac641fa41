import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeChatServer, type FakeChatSocket } from './fake-chat-server.js';
import { player } from './test-support.js';

/*
 * A player may have hundreds of channels (one per direct conversation). The server's inbound
 * guard allows about 60 messages a second (burst 90) and disconnects clients that keep exceeding
 * it, so the subscribes after a connect go out a few at a time.
 */

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Counts the subscribes sent and not answered yet, and when each was sent. */
function watchSubscribes(socket: FakeChatSocket) {
  const stats = { inFlight: 0, most: 0, sentAt: [] as number[] };
  const emit = socket.emit.bind(socket);
  socket.emit = (event: string, ...args: unknown[]) => {
    if (event === 'channel:subscribe' && typeof args.at(-1) === 'function') {
      const ack = args.pop() as (res: unknown) => void;
      stats.inFlight++;
      stats.most = Math.max(stats.most, stats.inFlight);
      stats.sentAt.push(Date.now());
      args.push((res: unknown) => {
        stats.inFlight--;
        ack(res);
      });
    }
    return emit(event, ...args);
  };
  return stats;
}

const conversations = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    name: `dm:a:p${String(i).padStart(3, '0')}`,
    kind: 'direct' as const,
  }));

/** Most subscribes sent within any `windowMs`. */
function busiest(sentAt: readonly number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < sentAt.length; i++) {
    while (sentAt[i]! - sentAt[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('ChatClient: many channels at once', () => {
  it('200 channels in the directory all become live, never more than 16 subscribes unanswered', async () => {
    const server = new FakeChatServer();
    server.setDirectory('a', conversations(200));
    const { socket, chat } = player(server, 'a', { autoSubscribe: true });
    const stats = watchSubscribes(socket);
    socket.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(chat.subscriptions.size).toBe(200);
    expect(stats.most).toBeLessThanOrEqual(16);
    await vi.advanceTimersByTimeAsync(10_000);
    expect([...chat.subscriptions.values()].every((s) => s.state === 'live')).toBe(true);
    expect(stats.sentAt).toHaveLength(200);
    expect(stats.most).toBe(16);
    // And paced well inside the server's guard (60 a second, burst 90), leaving room for the rest.
    expect(busiest(stats.sentAt, 1000)).toBeLessThanOrEqual(80);
  });

  it('a reconnect starts over; refused and retried subscribes give their place back', async () => {
    const server = new FakeChatServer();
    server.setDirectory('a', conversations(40));
    let unavailable = 30;
    server.refuseSubscribe = (channel) => {
      if (channel.endsWith('7')) return { code: 'FORBIDDEN', message: 'no' };
      return unavailable-- > 0 ? { code: 'UNAVAILABLE', message: 'busy' } : null;
    };
    const { socket, chat } = player(server, 'a', { autoSubscribe: true, retryDelayMs: 50 });
    const stats = watchSubscribes(socket);
    socket.connect();
    await vi.advanceTimersByTimeAsync(0);
    socket.drop();
    stats.inFlight = 0;
    socket.connect();
    await vi.advanceTimersByTimeAsync(10_000);
    const subs = [...chat.subscriptions.values()];
    expect(subs).toHaveLength(36);
    expect(subs.every((s) => s.state === 'live')).toBe(true);
    expect(stats.most).toBeLessThanOrEqual(16);
  });
});
