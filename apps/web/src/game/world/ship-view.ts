import type Phaser from 'phaser';
import { cssColour, UNKNOWN_SHIP_COLOUR } from '../palette.js';
import { shipGlowTextureKey, shipTextureKey, TextureKey } from '../textures/texture-keys.js';
import { Depth } from './depth.js';

/** Distance from the ship's centre to its name, and to the nozzles where the plume starts. */
const LABEL_OFFSET = 30;
const NOZZLE_OFFSET = 12;

export interface ShipPose {
  x: number;
  y: number;
  angle: number;
  /** 0..1 exhaust intensity. */
  thrust: number;
}

/** One ship on screen: glow, plume, hull (in its pilot's colour) and a floating name. */
export class ShipView {
  private readonly glow: Phaser.GameObjects.Image;
  private readonly flame: Phaser.GameObjects.Image;
  private readonly hull: Phaser.GameObjects.Image;
  private readonly label: Phaser.GameObjects.Text;
  private colour = -1;
  private flicker = 0;

  constructor(
    scene: Phaser.Scene,
    private readonly own: boolean,
  ) {
    this.glow = scene.add
      .image(0, 0, shipGlowTextureKey(UNKNOWN_SHIP_COLOUR))
      .setBlendMode('ADD')
      .setAlpha(own ? 0.55 : 0.35)
      .setScale(own ? 1.5 : 1.15)
      .setDepth(Depth.ShipGlow);
    this.flame = scene.add
      .image(0, 0, TextureKey.Flame)
      .setOrigin(1, 0.5)
      .setBlendMode('ADD')
      .setDepth(Depth.Flame);
    this.hull = scene.add.image(0, 0, shipTextureKey(UNKNOWN_SHIP_COLOUR)).setDepth(Depth.Ship);
    this.label = scene.add
      .text(0, 0, '', {
        fontFamily: 'system-ui, "Segoe UI", Roboto, sans-serif',
        fontSize: '13px',
        fontStyle: own ? 'bold' : 'normal',
        color: '#ffffff',
        stroke: '#05070d',
        strokeThickness: 4,
      })
      .setOrigin(0.5, 1)
      .setResolution(Math.min(2, window.devicePixelRatio || 1))
      .setDepth(Depth.Label);
  }

  setIdentity(name: string, colour: number): void {
    if (this.label.text !== name) this.label.setText(name);
    if (this.colour === colour) return;
    this.colour = colour;
    this.hull.setTexture(shipTextureKey(colour));
    this.glow.setTexture(shipGlowTextureKey(colour));
    this.label.setColor(this.own ? '#ffffff' : cssColour(colour));
  }

  place(pose: ShipPose, dt: number): void {
    const { x, y, angle } = pose;
    this.hull.setPosition(x, y).setRotation(angle);
    this.glow.setPosition(x, y);
    this.label.setPosition(x, y - LABEL_OFFSET);

    // A little flicker makes the plume read as fire rather than a sticker.
    this.flicker = (this.flicker + dt * 37) % (Math.PI * 2);
    const lit = pose.thrust > 0.02;
    this.flame.setVisible(lit);
    if (lit) {
      const wobble = 0.85 + 0.15 * Math.sin(this.flicker) * Math.sin(this.flicker * 2.3);
      this.flame
        .setPosition(x - Math.cos(angle) * NOZZLE_OFFSET, y - Math.sin(angle) * NOZZLE_OFFSET)
        .setRotation(angle)
        .setScale((0.45 + 0.65 * pose.thrust) * wobble, 0.75 + 0.25 * pose.thrust)
        .setAlpha(0.5 + 0.5 * pose.thrust);
    }
  }

  destroy(): void {
    this.glow.destroy();
    this.flame.destroy();
    this.hull.destroy();
    this.label.destroy();
  }
}
