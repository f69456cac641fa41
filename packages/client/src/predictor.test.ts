import { describe, expect, it } from 'vitest';
import type { PredictStep } from './api.js';
import { Predictor } from './predictor.js';

const f = Math.fround;
const DT = 1 / 30;

/** A small deterministic ship rule shaped like the game's: [x, y, vx, vy, angle]. */
const step: PredictStep = (s, buttons) => {
  const angle = f(s[4]! + ((buttons & 2 ? -1 : 0) + (buttons & 4 ? 1 : 0)) * 3 * DT);
  const thrust = buttons & 1 ? 200 * DT : 0;
  const vx = f((s[2]! + Math.cos(angle) * thrust) * 0.98);
  const vy = f((s[3]! + Math.sin(angle) * thrust) * 0.98);
  return [f(s[0]! + vx * DT), f(s[1]! + vy * DT), vx, vy, angle];
};

/** Stands in for the server: applies the same rule to the inputs it received. */
function serverState(start: number[], inputs: number[], rule: PredictStep = step): number[] {
  return inputs.reduce<number[]>((s, b) => rule(s, b), start);
}

/** A thrust-only rule whose thrust can be tuned while it runs, as live content does. */
function tunableRule(): { rule: PredictStep; tune(thrust: number): void } {
  let thrust = 200;
  return {
    rule: (s, buttons) => {
      const vx = f((s[2]! + (buttons & 1 ? thrust * DT : 0)) * 0.98);
      return [f(s[0]! + vx * DT), s[1]!, vx, s[3]!, s[4]!];
    },
    tune(value) {
      thrust = value;
    },
  };
}

const thrusting = (n: number) => Array.from({ length: n }, () => 1);

const pattern = (i: number) => [1, 1, 5, 5, 1, 3, 0, 8, 1, 2][i % 10]!;

describe('Predictor', () => {
  it('finds nothing to correct when the server applied exactly what was predicted', () => {
    const start = [0, 0, 0, 0, -Math.PI / 2];
    const p = new Predictor({ predict: step });
    p.reset(start);
    const sent: number[] = [];
    for (let seq = 1; seq <= 40; seq++) {
      sent.push(pattern(seq));
      p.step(seq, pattern(seq));
      // The server acknowledges with a lag of 5 inputs, as it would over a network.
      if (seq > 5 && seq % 2 === 0) {
        const acked = seq - 5;
        const before = p.renderState(0.5, seq * 33)!;
        p.reconcile(serverState(start, sent.slice(0, acked)), acked, seq * 33);
        expect(p.offsetAt(seq * 33)).toBeNull();
        expect(p.renderState(0.5, seq * 33)).toEqual(before);
      }
    }
    expect(p.state).toEqual(serverState(start, sent));
    expect(p.pendingCount).toBe(5);
  });

  it('moves to the server truth but fades the drawn correction in from where the ship was', () => {
    const start = [100, 100, 0, 0, 0];
    const p = new Predictor({ predict: step, correctionMs: 150 });
    p.reset(start);
    const inputs = Array.from({ length: 10 }, (_, i) => pattern(i));
    inputs.forEach((b, i) => {
      p.step(i + 1, b);
    });

    // The server lost input 3: its state after seq 6 is five steps, not six.
    const serverInputs = inputs.slice(0, 6).filter((_, i) => i !== 2);
    const truth = serverState(start, serverInputs);
    const drawnBefore = p.renderState(1, 1000)!;
    p.reconcile(truth, 6, 1000);

    const expected = serverState(truth, inputs.slice(6));
    expect(p.state).toEqual(expected);
    // At the moment of correction nothing visibly jumps...
    const drawnAt = p.renderState(1, 1000)!;
    expect(drawnAt[0]).toBeCloseTo(drawnBefore[0]!, 9);
    expect(drawnAt[1]).toBeCloseTo(drawnBefore[1]!, 9);
    // ...halfway the drawn ship is between the two...
    const mid = p.renderState(1, 1075)!;
    const between = (v: number, a: number, b: number) => v >= Math.min(a, b) && v <= Math.max(a, b);
    expect(between(mid[0]!, drawnBefore[0]!, expected[0]!)).toBe(true);
    expect(mid[0]).not.toBe(expected[0]);
    // ...and once the correction has faded it is exactly where the server says.
    expect(p.renderState(1, 1150)).toEqual(expected);
    expect(p.offsetAt(1150)).toBeNull();
  });

  it('drops acknowledged inputs and replays only the rest', () => {
    const start = [0, 0, 0, 0, 0];
    const p = new Predictor({ predict: step });
    p.reset(start);
    for (let seq = 1; seq <= 8; seq++) p.step(seq, 1);
    p.reconcile(serverState(start, [1, 1, 1]), 3, 0);
    expect(p.pendingCount).toBe(5);
    p.reconcile(serverState(start, [1, 1, 1, 1, 1, 1, 1, 1]), 8, 0);
    expect(p.pendingCount).toBe(0);
    expect(p.state).toEqual(serverState(start, [1, 1, 1, 1, 1, 1, 1, 1]));
  });

  it('blends between the last two steps by alpha, angles the short way', () => {
    const p = new Predictor({ predict: (s) => [s[0]! + 10, s[1]!, 0, 0, -Math.PI + 0.1] });
    p.reset([0, 0, 0, 0, Math.PI - 0.1]);
    p.step(1, 0);
    const half = p.renderState(0.5, 0)!;
    expect(half[0]).toBe(5);
    expect(Math.abs(Math.abs(half[4]!) - Math.PI)).toBeLessThan(1e-9);
  });

  it('snaps instead of smoothing an error too large to be a misprediction (a teleport)', () => {
    const p = new Predictor({ predict: step, snapDistance: 50 });
    p.reset([0, 0, 0, 0, 0]);
    p.step(1, 0);
    p.reconcile([500, 500, 0, 0, 0], 1, 0);
    expect(p.renderState(0, 0)).toEqual([500, 500, 0, 0, 0]);
  });

  it('without a predict rule follows the server state, smoothed', () => {
    const p = new Predictor();
    p.reset([0, 0, 0, 0, 0]);
    p.step(1, 1);
    expect(p.state).toEqual([0, 0, 0, 0, 0]);
    p.reconcile([10, 0, 0, 0, 0], 1, 0);
    expect(p.renderState(1, 0)![0]).toBeCloseTo(0, 9);
    expect(p.renderState(1, 200)).toEqual([10, 0, 0, 0, 0]);
  });

  it('fades a small gap after a rejoin but snaps to a far-away respawn', () => {
    const p = new Predictor({ predict: step, snapDistance: 50 });
    p.reset([0, 0, 0, 0, 0], 0);
    p.reset([3, 4, 0, 0, 0], 1000);
    expect(p.renderState(1, 1000)![0]).toBeCloseTo(0, 9);
    expect(p.renderState(1, 1200)).toEqual([3, 4, 0, 0, 0]);
    p.reset([300, 400, 0, 0, 0], 2000);
    expect(p.renderState(1, 2000)).toEqual([300, 400, 0, 0, 0]);
  });

  it('predicts unacknowledged inputs again when the rules change, so the server agrees without a correction', () => {
    const { rule, tune } = tunableRule();
    const start = [0, 0, 0, 0, 0];
    const p = new Predictor({ predict: rule });
    p.reset(start);
    for (let seq = 1; seq <= 10; seq++) p.step(seq, 1);
    // The server applied 4 of them, then switched to the new rules before the other 6.
    const at4 = serverState(start, thrusting(4), rule);
    p.reconcile(at4, 4, 100);
    tune(50);
    p.replayWithNewRules(110);
    for (let seq = 11; seq <= 12; seq++) p.step(seq, 1);
    const at12 = serverState(at4, thrusting(8), rule);
    const corrections = p.stats.corrections;
    p.reconcile(at12, 12, 200);
    expect(p.stats.corrections).toBe(corrections);
    expect(p.state).toEqual(at12);
  });

  it('without the replay, the same rule change is a correction (what the replay avoids)', () => {
    const { rule, tune } = tunableRule();
    const start = [0, 0, 0, 0, 0];
    const p = new Predictor({ predict: rule });
    p.reset(start);
    for (let seq = 1; seq <= 10; seq++) p.step(seq, 1);
    const at4 = serverState(start, thrusting(4), rule);
    p.reconcile(at4, 4, 100);
    tune(50);
    p.reconcile(serverState(at4, thrusting(6), rule), 10, 200);
    expect(p.stats.corrections).toBe(1);
  });
});
