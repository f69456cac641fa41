import { Button } from '@perihelion/game';
import Phaser from 'phaser';
import { isTyping } from './typing.js';

const { KeyCodes } = Phaser.Input.Keyboard;

/** Keyboard layout of DESIGN.md: arrows and WASD do the same thing; Space or E runs the mining beam. */
const BINDINGS: ReadonlyArray<{ button: number; keys: readonly number[] }> = [
  { button: Button.Thrust, keys: [KeyCodes.UP, KeyCodes.W] },
  { button: Button.Left, keys: [KeyCodes.LEFT, KeyCodes.A] },
  { button: Button.Right, keys: [KeyCodes.RIGHT, KeyCodes.D] },
  { button: Button.Brake, keys: [KeyCodes.DOWN, KeyCodes.S] },
  { button: Button.Mine, keys: [KeyCodes.SPACE, KeyCodes.E] },
];

/**
 * Turns held keys into the input bits the simulation understands. Keys are captured (no page
 * scrolling on arrows), and Phaser releases them all when the window loses focus, so a ship does
 * not keep thrusting after an alt-tab. While the player types in the chat the ship gets no keys
 * at all (a W held from before would otherwise keep thrusting).
 */
export class ShipControls {
  private readonly bindings: ReadonlyArray<{ button: number; keys: Phaser.Input.Keyboard.Key[] }>;

  constructor(keyboard: Phaser.Input.Keyboard.KeyboardPlugin) {
    this.bindings = BINDINGS.map(({ button, keys }) => ({
      button,
      keys: keys.map((code) => keyboard.addKey(code, true)),
    }));
  }

  read(): number {
    if (isTyping()) return 0;
    let buttons = 0;
    for (const { button, keys } of this.bindings) {
      if (keys.some((key) => key.isDown)) buttons |= button;
    }
    return buttons;
  }
}
