import { describe, expect, it } from 'vitest';
import { Button } from './buttons.js';
import { defaultContent, parseContent } from './content.js';
import { type ShipState, stepShip } from './ship.js';

const dt = 1 / 30;
const still: ShipState = { x: 0, y: 0, vx: 0, vy: 0, angle: 0 };

function fly(from: ShipState, buttons: number, steps: number): ShipState {
  let s = from;
  for (let i = 0; i < steps; i++) s = stepShip(s, buttons, dt, defaultContent);
  return s;
}

describe('flight rules', () => {
  it('thrust accelerates along the heading (angle 0 = +x)', () => {
    const s = fly(still, Button.Thrust, 10);
    expect(s.vx).toBeGreaterThan(0);
    expect(s.x).toBeGreaterThan(0);
    expect(Math.abs(s.y)).toBeLessThan(1e-6);
  });

  it('never exceeds the maximum speed', () => {
    const s = fly(still, Button.Thrust, 600);
    expect(Math.hypot(s.vx, s.vy)).toBeLessThanOrEqual(defaultContent.ship.maxSpeed + 1e-3);
  });

  it('turns left and right symmetrically', () => {
    const left = fly(still, Button.Left, 5);
    const right = fly(still, Button.Right, 5);
    expect(left.angle).toBeLessThan(0);
    expect(right.angle).toBeCloseTo(-left.angle, 5);
  });

  it('drag and brake bring a ship to a stop', () => {
    const moving = fly(still, Button.Thrust, 60);
    const coasted = fly(moving, 0, 30);
    const braked = fly(moving, Button.Brake, 30);
    expect(Math.hypot(braked.vx, braked.vy)).toBeLessThan(Math.hypot(coasted.vx, coasted.vy));
    expect(fly(moving, Button.Brake, 300)).toMatchObject({ vx: 0, vy: 0 });
  });

  it('keeps the ship inside the sector', () => {
    const s = fly(still, Button.Thrust, 30 * 60);
    const limit = defaultContent.sector.width / 2 - defaultContent.ship.radius;
    expect(s.x).toBeLessThanOrEqual(limit);
    expect(s.vx).toBe(0);
  });

  it('is deterministic and float32-exact, so replaying inputs reproduces the state', () => {
    const inputs = [1, 1, 3, 5, 9, 0, 1, 2, 4, 8, 1, 1];
    const run = () => inputs.reduce((s, b) => stepShip(s, b, dt, defaultContent), still);
    const a = run();
    expect(run()).toEqual(a);
    for (const v of Object.values(a)) expect(Math.fround(v)).toBe(v);
  });
});

describe('content', () => {
  it('rejects invalid content with a message naming the field', () => {
    const bad = structuredClone(defaultContent) as { ship: { maxSpeed: number } };
    bad.ship.maxSpeed = -1;
    expect(() => parseContent(bad)).toThrow(/ship\.maxSpeed/);
  });
});
