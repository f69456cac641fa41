import Phaser from 'phaser';
import { SceneKey } from '../scene-keys.js';

/**
 * First scene: game-wide setup that must exist before anything draws. There are no files to
 * fetch (every texture is generated), so it hands over to the preload scene at once.
 */
export class BootScene extends Phaser.Scene {
  constructor() {
    super(SceneKey.Boot);
  }

  create(): void {
    // The canvas is the whole page; name it for screen readers and for tests that look for it.
    this.game.canvas.setAttribute('aria-label', 'Perihelion game view');
    this.scene.start(SceneKey.Preload);
  }
}
