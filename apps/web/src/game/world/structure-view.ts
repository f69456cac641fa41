import type { Structure } from '@perihelion/protocol';
import type Phaser from 'phaser';
import { formatClock } from '../../session/format-clock.js';
import { TEXT_RESOLUTION, textStyle } from '../hud/hud-style.js';
import { cssColour } from '../palette.js';
import { structureTextureKey } from '../textures/texture-keys.js';
import { Depth } from './depth.js';

/** What one structure looks like this frame. */
export interface StructureLook {
  structure: Structure;
  /** Texture kind to draw (the structure's kind, or the generic one for unknown kinds). */
  art: string;
  kindName: string;
  radius: number;
  /** Drawn faintly around an active shield module; 0 = none. */
  shieldRadius: number;
  colour: number;
  /** 0..1 while building, 1 once active. */
  progress: number;
  remainingMs: number;
  /** Seconds, for slow idle motion. */
  time: number;
}

const RING_GAP = 8;
const RING_WIDTH = 4;
const HP_BAR_HEIGHT = 5;

/**
 * One structure on screen: its hull (faded while under construction), a ring in its owner's
 * colour that fills as construction progresses, an hp bar once damaged, a shield module's
 * protected area, and a label with owner, kind and time left.
 */
export class StructureView {
  private readonly body: Phaser.GameObjects.Image;
  private readonly overlay: Phaser.GameObjects.Graphics;
  private readonly shield: Phaser.GameObjects.Graphics;
  private readonly label: Phaser.GameObjects.Text;
  private art = '';

  constructor(scene: Phaser.Scene) {
    this.body = scene.add.image(0, 0, structureTextureKey('generic')).setDepth(Depth.Structure);
    this.overlay = scene.add.graphics().setDepth(Depth.StructureOverlay);
    this.shield = scene.add.graphics().setDepth(Depth.Shield);
    this.label = scene.add
      .text(0, 0, '', { ...textStyle(12, '#ffffff'), stroke: '#05070d', strokeThickness: 4, align: 'center' })
      .setOrigin(0.5, 0)
      .setResolution(TEXT_RESOLUTION)
      .setDepth(Depth.Label);
  }

  draw(look: StructureLook): void {
    const { structure: s, radius, colour, progress } = look;
    const building = s.state === 'building';
    if (this.art !== look.art) {
      this.art = look.art;
      this.body.setTexture(structureTextureKey(look.art));
    }
    this.body
      .setPosition(s.x, s.y)
      .setAlpha(building ? 0.35 + 0.35 * progress : 1)
      // A finished station turns slowly: it is alive. One under construction holds still.
      .setRotation(building ? 0 : look.time * 0.06);

    const g = this.overlay;
    g.clear();
    const ringR = radius + RING_GAP;
    if (building) {
      g.lineStyle(RING_WIDTH, 0x05070d, 0.7);
      g.strokeCircle(s.x, s.y, ringR);
      g.lineStyle(RING_WIDTH, colour, 0.95);
      g.beginPath();
      g.arc(s.x, s.y, ringR, -Math.PI / 2, -Math.PI / 2 + Math.PI * 2 * progress, false);
      g.strokePath();
    } else {
      g.lineStyle(1.5, colour, 0.8);
      g.strokeCircle(s.x, s.y, ringR - 2);
    }
    if (s.hp < s.maxHp && s.maxHp > 0) this.drawHp(g, s, radius);

    this.shield.clear();
    if (look.shieldRadius > 0) {
      const active = !building;
      this.shield.fillStyle(0x59d8ff, active ? 0.05 : 0.015);
      this.shield.fillCircle(s.x, s.y, look.shieldRadius);
      this.shield.lineStyle(1.5, 0x59d8ff, active ? 0.3 : 0.1);
      this.shield.strokeCircle(s.x, s.y, look.shieldRadius);
    }

    const title = `${s.ownerName} · ${look.kindName}`;
    const text = building
      ? `${title}\n${Math.floor(progress * 100)}% · ${formatClock(look.remainingMs)} left`
      : title;
    if (this.label.text !== text) this.label.setText(text);
    const labelColour = cssColour(colour);
    if (this.label.style.color !== labelColour) this.label.setColor(labelColour);
    this.label.setPosition(s.x, s.y + ringR + (s.hp < s.maxHp ? HP_BAR_HEIGHT + 8 : 4));
  }

  destroy(): void {
    this.body.destroy();
    this.overlay.destroy();
    this.shield.destroy();
    this.label.destroy();
  }

  private drawHp(g: Phaser.GameObjects.Graphics, s: Structure, radius: number): void {
    const share = Math.max(0, Math.min(1, s.hp / s.maxHp));
    const width = radius * 2;
    const x = s.x - radius;
    const y = s.y + radius + RING_GAP + 6;
    g.fillStyle(0x05070d, 0.8);
    g.fillRect(x - 1, y - 1, width + 2, HP_BAR_HEIGHT + 2);
    g.fillStyle(share > 0.6 ? 0x6bffb0 : share > 0.3 ? 0xffc44d : 0xff6b6b, 1);
    g.fillRect(x, y, width * share, HP_BAR_HEIGHT);
  }
}
