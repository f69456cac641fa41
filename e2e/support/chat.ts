import { expect } from '@playwright/test';
import type { Player } from '../fixtures/player.js';
import type { QaState } from './qa-state.js';

/** Whether the page shows `sender`'s message `text` in `channel`. */
export const said = (s: QaState, channel: string, sender: string, text: string) =>
  (s.chat[channel] ?? []).some((m) => m.sender === sender && m.text === text);

/** Types a line into the chat like a person: Enter opens the input, Enter sends, back to flying. */
export async function say(player: Player, text: string): Promise<void> {
  await player.page.bringToFront();
  await player.page.keyboard.press('Enter');
  await expect(player.page.getByTestId('chat-input')).toBeFocused();
  await player.page.keyboard.type(text);
  await player.page.keyboard.press('Enter');
  await expect(player.page.getByTestId('chat-input')).not.toBeFocused();
}
