import type Phaser from 'phaser';
import { TextureKey } from '../textures/texture-keys.js';
import { Depth } from './depth.js';

/** Wing beats per second. */
const BEAT_HZ = 2.2;

/** A raiding space dragon: a red glow and a body whose wings beat as it flies. */
export class DragonView {
  private readonly glow: Phaser.GameObjects.Image;
  private readonly body: Phaser.GameObjects.Image;
  private beat: number;

  constructor(scene: Phaser.Scene, handle: number) {
    this.glow = scene.add
      .image(0, 0, TextureKey.DragonGlow)
      .setBlendMode('ADD')
      .setAlpha(0.6)
      .setDepth(Depth.DragonGlow);
    this.body = scene.add.image(0, 0, TextureKey.DragonOpen).setDepth(Depth.Dragon);
    // Dragons out of step with each other look like a flock, not a formation.
    this.beat = (handle * 0.37) % 1;
  }

  place(x: number, y: number, angle: number, dt: number): void {
    this.beat = (this.beat + dt * BEAT_HZ) % 1;
    const open = this.beat < 0.5;
    const texture = open ? TextureKey.DragonOpen : TextureKey.DragonClosed;
    if (this.body.texture.key !== texture) this.body.setTexture(texture);
    this.body.setPosition(x, y).setRotation(angle);
    this.glow.setPosition(x, y).setScale(0.9 + 0.1 * Math.sin(this.beat * Math.PI * 2));
  }

  destroy(): void {
    this.glow.destroy();
    this.body.destroy();
  }
}
