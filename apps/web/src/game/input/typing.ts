/**
 * The player is typing into the page (the chat input): keys are words then, not flight controls.
 * The chat input also keeps its keydowns from reaching Phaser (which would swallow captured keys
 * like W or Space); this covers keys that were already held when the input took the focus.
 */
export function isTyping(): boolean {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement)) return false;
  return (
    active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement || active.isContentEditable
  );
}
