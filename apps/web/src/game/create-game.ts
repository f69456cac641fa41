import Phaser from 'phaser';
import type { GameSession } from '../session/session.js';
import { cssColour, Palette } from './palette.js';
import { chooseRenderer } from './renderer-choice.js';
import { BootScene } from './scenes/boot-scene.js';
import { HudScene } from './scenes/hud-scene.js';
import { PlayScene } from './scenes/play-scene.js';
import { PreloadScene } from './scenes/preload-scene.js';

/**
 * One Phaser.Game drawing the given session. The game is disposable (hot reload replaces it);
 * the session, and with it the connection, is not.
 */
export function createGame(parent: HTMLElement, session: GameSession): Phaser.Game {
  return new Phaser.Game({
    type: chooseRenderer(),
    parent,
    backgroundColor: cssColour(Palette.space),
    scale: { mode: Phaser.Scale.RESIZE, width: '100%', height: '100%' },
    render: { antialias: true, powerPreference: 'high-performance' },
    banner: false,
    disableContextMenu: true,
    scene: [new BootScene(), new PreloadScene(), new PlayScene(session), new HudScene(session)],
  });
}
