import Phaser from 'phaser';
import { isTyping } from './typing.js';

const { KeyCodes } = Phaser.Input.Keyboard;

/** What the one-shot keys do; the scene that owns the keyboard decides how. */
export interface Actions {
  buildStationCore(): void;
  buildShieldModule(): void;
  cancelNearestBuild(): void;
  toggleNotifications(): void;
  takeHelm(): void;
}

/**
 * Keys that act once per press (held keys repeat nothing): 1 and 2 build, X cancels the nearest
 * own construction, N shows or hides the notification list, H flies here from a tab in standby.
 * None of them act while the player is typing in the chat (whose panel owns Enter and Escape).
 * The listeners belong to the scene's keyboard, so they go away with a hot-reloaded game.
 */
export function bindActionKeys(keyboard: Phaser.Input.Keyboard.KeyboardPlugin, actions: Actions): void {
  const bind = (codes: readonly number[], act: () => void) => {
    const guarded = () => {
      if (!isTyping()) act();
    };
    for (const code of codes) keyboard.addKey(code, true).on(Phaser.Input.Keyboard.Events.DOWN, guarded);
  };
  bind([KeyCodes.ONE, KeyCodes.NUMPAD_ONE], () => actions.buildStationCore());
  bind([KeyCodes.TWO, KeyCodes.NUMPAD_TWO], () => actions.buildShieldModule());
  bind([KeyCodes.X], () => actions.cancelNearestBuild());
  bind([KeyCodes.N], () => actions.toggleNotifications());
  bind([KeyCodes.H], () => actions.takeHelm());
}
