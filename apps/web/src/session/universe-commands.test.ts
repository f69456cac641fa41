import type { GameClientApi } from '@perihelion/client';
import { defaultContent } from '@perihelion/game';
import type { BuildResult, Structure } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { Toasts } from './toasts.js';
import { UniverseCommands } from './universe-commands.js';
import { UniverseState } from './universe-state.js';

/** The part of the SDK's client the commands use: requests it answers as scripted, and its status. */
class FakeClient {
  status = 'connected';
  readonly sent: { event: string; payload: unknown }[] = [];
  private readonly statusListeners = new Set<(status: string) => void>();

  constructor(private readonly answers: (() => Promise<unknown>)[]) {}

  readonly playerId = 'p_1';
  serverNow(): number {
    return 1_000;
  }

  on(event: string, listener: (status: string) => void): () => void {
    if (event !== 'status') return () => {};
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  request(event: string, payload: unknown): Promise<unknown> {
    this.sent.push({ event, payload });
    const answer = this.answers.shift();
    return answer ? answer() : Promise.reject(new Error('no answer scripted'));
  }

  setStatus(status: string): void {
    this.status = status;
    for (const listener of [...this.statusListeners]) listener(status);
  }
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function commandsOn(client: FakeClient) {
  const api = client as unknown as GameClientApi;
  const toasts = new Toasts();
  const universe = new UniverseState(api);
  return { commands: new UniverseCommands(api, universe, toasts, () => defaultContent), toasts };
}

const structure: Structure = {
  id: 's_1',
  sector: 'home-port',
  ownerId: 'p_1',
  ownerName: 'Ada',
  kind: 'station-core',
  x: 10,
  y: 20,
  state: 'building',
  hp: 100,
  maxHp: 100,
  startedAt: 1_000,
  completesAt: 61_000,
};

describe('UniverseCommands.build', () => {
  it('asks again with the same request id once reconnected when an answer is lost, and reports the one build', async () => {
    let lose!: (err: Error) => void;
    const answered: BuildResult = { ok: true, structure };
    const client = new FakeClient([
      () => new Promise((_resolve, reject) => (lose = reject)),
      () => Promise.resolve(answered),
    ]);
    const { commands, toasts } = commandsOn(client);
    commands.build('station-core', { x: 10.2, y: 19.8 });
    client.setStatus('reconnecting');
    lose(new Error('operation has timed out'));
    await settle();
    // Nothing is sent while the connection is down.
    expect(client.sent).toHaveLength(1);
    client.setStatus('connected');
    await settle();
    expect(client.sent).toHaveLength(2);
    const [first, second] = client.sent.map((s) => s.payload as { requestId?: string });
    expect(first?.requestId).toEqual(expect.any(String));
    expect(second).toEqual(first);
    expect(toasts.active(performance.now()).map((t) => t.text)).toEqual([
      'Station core under construction · ready in 1:00',
    ]);
  });

  it('gives up after three lost answers and says so; a new build gets a new request id', async () => {
    const lost = () => Promise.reject(new Error('operation has timed out'));
    const client = new FakeClient([lost, lost, lost]);
    const { commands, toasts } = commandsOn(client);
    commands.build('station-core', { x: 0, y: 0 });
    await settle();
    expect(client.sent).toHaveLength(3);
    expect(toasts.active(performance.now()).map((t) => t.text)).toEqual([
      'No answer from the server: try again',
    ]);
    commands.build('station-core', { x: 0, y: 0 });
    await settle();
    const ids = client.sent.map((s) => (s.payload as { requestId: string }).requestId);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(ids[3]).not.toBe(ids[0]);
  });
});
