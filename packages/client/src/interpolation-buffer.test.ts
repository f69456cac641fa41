import { quantizeAngle, quantizePosition, type WireEntity } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { InterpolationBuffer } from './interpolation-buffer.js';

function ent(handle: number, x: number, y: number, angle = 0, kind = 1): WireEntity {
  return {
    handle,
    kind,
    variant: 0,
    qx: quantizePosition(x),
    qy: quantizePosition(y),
    qa: quantizeAngle(angle),
  };
}

const byHandle = (list: { handle: number }[]) => list.map((e) => e.handle);

describe('InterpolationBuffer', () => {
  it('blends an entity between the two frames that bracket the render tick', () => {
    const buf = new InterpolationBuffer();
    buf.push(10, [ent(1, 0, 0)]);
    buf.push(12, [ent(1, 20, -10)]);
    const [e] = buf.sample(11);
    expect(e).toMatchObject({ handle: 1, x: 10, y: -5 });
    expect(buf.sample(11.5)[0]).toMatchObject({ x: 15, y: -7.5 });
  });

  it('picks the right pair among many frames and forgets the ones render time has passed', () => {
    const buf = new InterpolationBuffer();
    for (let tick = 0; tick <= 10; tick += 2) buf.push(tick, [ent(1, tick * 10, 0)]);
    expect(buf.sample(7)[0]!.x).toBe(70);
    expect(buf.size).toBe(3); // frames 6, 8, 10 remain
    expect(buf.sample(9)[0]!.x).toBe(90);
  });

  it('turns the short way round across ±π', () => {
    const buf = new InterpolationBuffer();
    const a = Math.PI - 0.1;
    const b = -Math.PI + 0.1;
    buf.push(0, [ent(1, 0, 0, a)]);
    buf.push(2, [ent(1, 0, 0, b)]);
    const angle = buf.sample(1)[0]!.angle;
    // Halfway between 179° and -179° the short way is ±180°, not 0°.
    expect(Math.abs(Math.abs(angle) - Math.PI)).toBeLessThan(0.05);
  });

  it('shows an entity new in the later frame only once that frame is reached', () => {
    const buf = new InterpolationBuffer();
    buf.push(0, [ent(1, 0, 0)]);
    buf.push(2, [ent(1, 2, 0), ent(2, 50, 50)]);
    buf.push(4, [ent(1, 4, 0), ent(2, 52, 50)]);
    expect(byHandle(buf.sample(1))).toEqual([1]);
    expect(byHandle(buf.sample(2))).toEqual([1, 2]);
    expect(buf.sample(3).find((e) => e.handle === 2)).toMatchObject({ x: 51, y: 50 });
  });

  it('drops an entity missing from the later frame instead of freezing it', () => {
    const buf = new InterpolationBuffer();
    buf.push(0, [ent(1, 0, 0), ent(2, 10, 10)]);
    buf.push(2, [ent(1, 2, 0)]);
    expect(byHandle(buf.sample(0))).toEqual([1, 2]);
    expect(byHandle(buf.sample(0.5))).toEqual([1]);
  });

  it('shows the oldest frame as it is while render time is still before it', () => {
    const buf = new InterpolationBuffer();
    buf.push(100, [ent(1, 5, 5), ent(2, 7, 7)]);
    expect(byHandle(buf.sample(90))).toEqual([1, 2]);
    buf.push(102, [ent(1, 6, 5), ent(2, 7, 7)]);
    expect(buf.sample(90)[0]).toMatchObject({ x: 5, y: 5 });
  });

  it('holds the newest frame when render time runs past it (no extrapolation by default)', () => {
    const buf = new InterpolationBuffer();
    buf.push(0, [ent(1, 0, 0)]);
    buf.push(2, [ent(1, 10, 0)]);
    expect(buf.sample(5)[0]!.x).toBe(10);
  });

  it('extrapolates along the last motion only up to its limit', () => {
    const buf = new InterpolationBuffer({ maxExtrapolationTicks: 2 });
    buf.push(0, [ent(1, 0, 0), ent(3, 0, 0, 0, 2)]);
    buf.push(2, [ent(1, 10, 0), ent(2, 30, 30), ent(3, 0, 0, 0, 2)]);
    const at3 = buf.sample(3);
    expect(at3.find((e) => e.handle === 1)!.x).toBe(15);
    // New in the newest frame: no motion known yet, so it holds.
    expect(at3.find((e) => e.handle === 2)).toMatchObject({ x: 30, y: 30 });
    expect(buf.sample(100).find((e) => e.handle === 1)!.x).toBe(20);
  });

  it('leaves out the excluded handle (the own entity)', () => {
    const buf = new InterpolationBuffer();
    buf.push(0, [ent(1, 0, 0), ent(2, 0, 0)]);
    buf.push(2, [ent(1, 2, 0), ent(2, 2, 0)]);
    expect(byHandle(buf.sample(1, 2))).toEqual([1]);
    expect(byHandle(buf.sample(5, 1))).toEqual([2]);
  });

  it('does not slide one thing into another when a handle changes kind', () => {
    const buf = new InterpolationBuffer();
    buf.push(0, [ent(1, 0, 0, 0, 1)]);
    buf.push(2, [ent(1, 100, 0, 0, 2)]);
    expect(buf.sample(1)).toEqual([]);
    expect(buf.sample(2)[0]).toMatchObject({ kind: 2, x: 100 });
  });

  it('ignores frames that are not newer than the newest one, and bounds its size', () => {
    const buf = new InterpolationBuffer({ maxFrames: 4 });
    buf.push(4, [ent(1, 4, 0)]);
    buf.push(2, [ent(1, 2, 0)]);
    buf.push(4, [ent(1, 99, 0)]);
    expect(buf.size).toBe(1);
    for (let tick = 6; tick < 30; tick += 2) buf.push(tick, [ent(1, tick, 0)]);
    expect(buf.size).toBe(4);
    expect(buf.newestTick).toBe(28);
  });
});
