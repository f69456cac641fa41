import type Phaser from 'phaser';

const FONT = 'system-ui, "Segoe UI", Roboto, "Helvetica Neue", sans-serif';

/** Text style for the few words drawn inside the canvas (the rest of the HUD is DOM). */
export function textStyle(
  size: number,
  colour: string,
  bold = false,
): Phaser.Types.GameObjects.Text.TextStyle {
  return { fontFamily: FONT, fontSize: `${size}px`, fontStyle: bold ? 'bold' : 'normal', color: colour };
}

/** Crisp text on high-density screens without paying for more than 2× textures. */
export const TEXT_RESOLUTION = Math.min(2, window.devicePixelRatio || 1);
