import { describe, expect, it } from 'vitest';
import { FixedStepper } from './fixed-stepper.js';

describe('FixedStepper', () => {
  it('turns frame times into whole steps at the fixed rate', () => {
    const stepper = new FixedStepper(1000 / 30);
    let steps = stepper.advance(0);
    for (let frame = 1; frame <= 60; frame++) steps += stepper.advance((frame * 1000) / 60);
    expect(steps).toBe(30);
  });

  it('reports how far into the current step a time is', () => {
    const stepper = new FixedStepper(40);
    stepper.advance(0);
    expect(stepper.advance(50)).toBe(1);
    expect(stepper.alpha(50)).toBeCloseTo(0.25, 9);
    expect(stepper.alpha(70)).toBeCloseTo(0.75, 9);
    expect(stepper.alpha(500)).toBe(1);
  });

  it('drops the backlog after a long stall instead of flooding', () => {
    const stepper = new FixedStepper(1000 / 30, 5);
    stepper.advance(0);
    expect(stepper.advance(60_000)).toBe(5);
    expect(stepper.advance(60_000 + 1000 / 30)).toBe(1);
  });
});
