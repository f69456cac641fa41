import { describe, expect, it } from 'vitest';
import { RoomMember } from './member.js';

const link = { sendSnapshot() {}, sendError() {} };

function drain(member: RoomMember): number[] {
  const applied: number[] = [];
  member.takeInputs(1, (b) => applied.push(b));
  return applied;
}

describe('RoomMember inputs', () => {
  it('applies inputs in sequence order and ignores repeats and stale ones', () => {
    const m = new RoomMember('p', 'P', 1, link, 0);
    m.enqueueInput(1, 10, 0);
    m.enqueueInput(1, 99, 0);
    m.enqueueInput(2, 20, 0);
    m.enqueueInput(0, 99, 0);
    expect([...drain(m), ...drain(m), ...drain(m)]).toEqual([10, 20]);
    expect(m.lastAppliedSeq).toBe(2);
  });

  it('cannot be made to move faster than one step per tick on average', () => {
    const m = new RoomMember('p', 'P', 1, link, 0);
    for (let seq = 1; seq <= 300; seq++) m.enqueueInput(seq, 1, 0);
    let applied = 0;
    for (let tick = 0; tick < 100; tick++) applied += drain(m).length;
    // A small jitter allowance, never a flood.
    expect(applied).toBeLessThanOrEqual(100 + 4);
  });

  it('catches up after a tick without input (network jitter)', () => {
    const m = new RoomMember('p', 'P', 1, link, 0);
    expect(drain(m)).toEqual([]);
    m.enqueueInput(1, 1, 0);
    m.enqueueInput(2, 2, 0);
    expect(drain(m)).toEqual([1, 2]);
  });

  it('drains a backlog left by a server stall instead of carrying it as lag', () => {
    const m = new RoomMember('p', 'P', 1, link, 0);
    // A stall: the loop skipped 6 ticks while the client kept sending one input per tick.
    for (let seq = 1; seq <= 7; seq++) m.enqueueInput(seq, 1, 0);
    const applied: number[] = [];
    m.takeInputs(1 + 6, (b) => applied.push(b));
    expect(applied).toHaveLength(7);
  });

  it('accepts snapshot acknowledgements only for snapshots it was sent', () => {
    const m = new RoomMember('p', 'P', 1, link, 0);
    m.lastSnapshotId = 5;
    m.enqueueInput(1, 0, 9);
    expect(m.ackedSnapshotId).toBe(0);
    m.enqueueInput(2, 0, 4);
    expect(m.ackedSnapshotId).toBe(4);
    m.enqueueInput(3, 0, 2);
    expect(m.ackedSnapshotId).toBe(4);
  });
});
