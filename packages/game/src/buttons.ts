/** Bit flags of one input step. Shared by client (keyboard) and server (rules). */
export const Button = {
  Thrust: 1,
  Left: 2,
  Right: 4,
  Brake: 8,
  /** Held to run the mining beam on the nearest asteroid in range; does not affect flight. */
  Mine: 16,
} as const;

export function has(buttons: number, button: number): boolean {
  return (buttons & button) !== 0;
}
