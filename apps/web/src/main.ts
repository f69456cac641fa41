import Phaser from 'phaser';
import { mountDesignerTools } from './designer/designer-tools.js';
import { createGame } from './game/create-game.js';
import { installQaSurface } from './qa/qa-surface.js';
import { session } from './session/session.js';

/*
 * Hot reload without losing your place in the world.
 *
 * This module is the HMR boundary: an edit to any scene, texture or HUD file re-runs it with the
 * fresh code. dispose() hands the running Phaser.Game to that next run, which destroys it (canvas,
 * WebGL context, keyboard listeners, scenes) and only then creates its own, so there is never a
 * second canvas. Handing over, rather than destroying inside dispose(), means an edit that does not
 * compile leaves the old game running instead of a blank page.
 *
 * The connection is not part of the game: `session` lives in its own module, parked in
 * import.meta.hot.data, so every new game gets the same GameClient (one socket, same player, same
 * ship).
 */

/** Longest we wait for a paused game (hidden tab: no frames) to tear itself down. */
const DESTROY_TIMEOUT_MS = 300;

interface HotHandover {
  previousGame?: Phaser.Game;
}

installQaSurface(session);
mountDesignerTools(session);

const handover: HotHandover = import.meta.hot ? (import.meta.hot.data as HotHandover) : {};
if (handover.previousGame) {
  await destroyGame(handover.previousGame);
  handover.previousGame = undefined;
}
const game = createGame(document.getElementById('game') ?? document.body, session);

if (import.meta.hot) {
  import.meta.hot.accept();
  import.meta.hot.dispose((data: HotHandover) => {
    data.previousGame = game;
  });
}

/**
 * Phaser destroys a game at the start of its next frame. Waiting for that keeps two games from
 * ever drawing at once; the timeout covers a hidden tab, whose game has no next frame until it is
 * shown again, by taking the canvas out of the page ourselves.
 */
function destroyGame(old: Phaser.Game): Promise<void> {
  const canvas = old.canvas;
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      canvas.remove();
      // Browsers cap live WebGL contexts; release ours now rather than whenever GC gets to it.
      canvas.getContext('webgl')?.getExtension('WEBGL_lose_context')?.loseContext();
      resolve();
    };
    const timer = setTimeout(finish, DESTROY_TIMEOUT_MS);
    // DESTROY fires before Phaser tears down the renderer; finish once that has run.
    old.events.once(Phaser.Core.Events.DESTROY, () => setTimeout(finish, 0));
    old.destroy(true);
  });
}
