import { defaultContent } from '@perihelion/game';
import Phaser from 'phaser';
import { SceneKey } from '../scene-keys.js';
import { createAsteroidTextures } from '../textures/asteroid-textures.js';
import { createBackdropTextures } from '../textures/backdrop-textures.js';
import { createDragonTextures } from '../textures/dragon-textures.js';
import { createShipTextures } from '../textures/ship-textures.js';
import { createStructureTextures } from '../textures/structure-textures.js';

/**
 * Makes every texture the game draws with. They are generated from code rather than loaded, so
 * the client has no binary assets and asteroid art always matches the content's size classes.
 */
export class PreloadScene extends Phaser.Scene {
  constructor() {
    super(SceneKey.Preload);
  }

  create(): void {
    createBackdropTextures(this);
    createShipTextures(this);
    createAsteroidTextures(this, defaultContent);
    createStructureTextures(this, defaultContent);
    createDragonTextures(this);
    this.scene.start(SceneKey.Play);
  }
}
