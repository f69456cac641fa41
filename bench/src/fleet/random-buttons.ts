import { Button } from '@perihelion/game';

/** The bench's pilot: mostly thrusting, turning a third of the time each way, braking now and then. */
export function randomButtons(): number {
  let b = 0;
  if (Math.random() < 0.7) b |= Button.Thrust;
  const turn = Math.random();
  if (turn < 0.3) b |= Button.Left;
  else if (turn < 0.6) b |= Button.Right;
  if (Math.random() < 0.1) b |= Button.Brake;
  return b;
}

/** Held buttons last 0.5–2 s before the bot picks new ones. */
export function nextButtonChange(now: number): number {
  return now + 500 + Math.random() * 1500;
}
