import type { RosterChange } from '@perihelion/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RosterBatches } from './roster-batches.js';

const entry = (id: string, handle = 1) => ({ id, name: id.toUpperCase(), handle });

describe('RosterBatches', () => {
  let sent: [string, RosterChange][];
  let batches: RosterBatches;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    batches = new RosterBatches((sector, change) => sent.push([sector, change]), 100);
  });
  afterEach(() => {
    batches.close();
    vi.useRealTimers();
  });

  it('sends a crowd arriving in one window as one batch per sector', () => {
    for (let i = 0; i < 50; i++) batches.joined('alpha', entry(`p${i}`, i));
    batches.joined('beta', entry('q'));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(sent.map(([sector, c]) => [sector, c.joined.length, c.left.length])).toEqual([
      ['alpha', 50, 0],
      ['beta', 1, 0],
    ]);
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
  });

  it('keeps the latest word about a player within a batch', () => {
    batches.joined('alpha', entry('ann'));
    batches.left('alpha', 'ann');
    batches.left('alpha', 'bob');
    batches.joined('alpha', entry('bob', 7));
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([['alpha', { joined: [entry('bob', 7)], left: ['ann'] }]]);
  });

  it('starts a new window after each batch, and close() drops what is pending', () => {
    batches.joined('alpha', entry('ann'));
    vi.advanceTimersByTime(100);
    batches.left('alpha', 'ann');
    vi.advanceTimersByTime(100);
    expect(sent.map(([, c]) => c)).toEqual([
      { joined: [entry('ann')], left: [] },
      { joined: [], left: ['ann'] },
    ]);
    batches.joined('alpha', entry('cyd'));
    batches.close();
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
  });
});
