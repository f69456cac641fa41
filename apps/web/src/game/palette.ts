import { hashString } from '@perihelion/game';

/** The game's colours in one place, so scenes agree on a look (the DOM HUD mirrors them in hud.css). */
export const Palette = {
  space: 0x05070d,
  boundary: 0x3fd0ff,
  grid: 0x3fd0ff,
  outside: 0x000000,
  hudMuted: '#7f8fae',
  hudPanel: 0x0b1222,
  hudPanelEdge: 0x2a4a78,
} as const;

/** Distinct, bright hues that read well on near-black space. */
export const SHIP_COLOURS = [
  0x59d8ff, 0xff7a59, 0x9dff6a, 0xffd34d, 0xc78bff, 0xff5fa8, 0x4dffc3, 0xffa14d, 0x7f9bff, 0xe6ff5c,
] as const;

/**
 * A player's colour is derived from their id, so every client paints the same pilot the same
 * colour without the server having to send it.
 */
export function shipColour(playerId: string): number {
  return SHIP_COLOURS[hashString(playerId) % SHIP_COLOURS.length] ?? SHIP_COLOURS[0];
}

/** A ship whose pilot is not in the roster yet is drawn neutral for a moment. */
export const UNKNOWN_SHIP_COLOUR = 0xb8c0cc;

export function cssColour(colour: number): string {
  return `#${colour.toString(16).padStart(6, '0')}`;
}
