import type { Content } from '@perihelion/game';
import type { QaStructure } from '@perihelion/protocol';
import type Phaser from 'phaser';
import type { RenderedEntity } from '../../session/rendered-frame.js';
import { Palette, shipColour } from '../palette.js';
import { TEXT_RESOLUTION, textStyle } from './hud-style.js';

const SIZE = 168;
const DRAGON_DOT = 0xff3a4a;

export interface WorldRect {
  x: number;
  y: number;
  width: number;
  height: number;
}
const MARGIN = 16;

/**
 * Top-right map of the whole sector: where you are relative to its edges, and what is near you
 * (only nearby entities are ever sent, so the rest of the map stays honestly empty).
 */
export class Minimap {
  private readonly frame: Phaser.GameObjects.Graphics;
  private readonly dots: Phaser.GameObjects.Graphics;
  private readonly caption: Phaser.GameObjects.Text;
  private readonly scale: number;
  private readonly mapW: number;
  private readonly mapH: number;
  private placedFor = -1;

  constructor(
    scene: Phaser.Scene,
    private readonly sector: Content['sector'],
  ) {
    this.scale = SIZE / Math.max(sector.width, sector.height);
    this.mapW = sector.width * this.scale;
    this.mapH = sector.height * this.scale;
    this.frame = scene.add.graphics();
    this.dots = scene.add.graphics();
    this.caption = scene.add
      .text(0, 0, 'SECTOR MAP', textStyle(10, Palette.hudMuted, true))
      .setLetterSpacing(2)
      .setOrigin(1, 0)
      .setResolution(TEXT_RESOLUTION);
  }

  /** `view` is the world area the play camera shows, drawn as a frame on the map. */
  update(
    entities: readonly RenderedEntity[],
    structures: readonly QaStructure[],
    ownId: string | null,
    view: WorldRect,
    viewportWidth: number,
  ): void {
    const left = viewportWidth - MARGIN - this.mapW;
    const top = MARGIN + 16;
    if (this.placedFor !== viewportWidth) this.drawFrame(left, top, viewportWidth);

    const toX = (x: number) => left + (x + this.sector.width / 2) * this.scale;
    const toY = (y: number) => top + (y + this.sector.height / 2) * this.scale;
    const g = this.dots;
    g.clear();
    g.fillStyle(0x8a8f99, 0.6);
    for (const e of entities)
      if (e.kind === 'asteroid') g.fillRect(toX(e.x) - 0.75, toY(e.y) - 0.75, 1.5, 1.5);
    // Structures as small squares in their owner's colour (hollow while under construction).
    for (const s of structures) {
      const colour = shipColour(s.owner);
      if (s.state === 'active') {
        g.fillStyle(colour, 1);
        g.fillRect(toX(s.x) - 2.5, toY(s.y) - 2.5, 5, 5);
      } else {
        g.lineStyle(1, colour, 1);
        g.strokeRect(toX(s.x) - 2.5, toY(s.y) - 2.5, 5, 5);
      }
    }
    g.fillStyle(DRAGON_DOT, 1);
    for (const e of entities) if (e.kind === 'dragon') g.fillCircle(toX(e.x), toY(e.y), 2.6);
    for (const e of entities) {
      if (e.kind !== 'ship' || e.id === ownId) continue;
      g.fillStyle(shipColour(e.id), 1);
      g.fillCircle(toX(e.x), toY(e.y), 2.2);
    }
    const own = ownId ? entities.find((e) => e.id === ownId) : undefined;
    if (own) {
      g.fillStyle(0xffffff, 1);
      g.fillCircle(toX(own.x), toY(own.y), 3);
    }
    // The camera's view, clipped to the map so it never spills outside the panel.
    const x0 = Math.max(left, toX(view.x));
    const y0 = Math.max(top, toY(view.y));
    const x1 = Math.min(left + this.mapW, toX(view.x + view.width));
    const y1 = Math.min(top + this.mapH, toY(view.y + view.height));
    if (x1 > x0 && y1 > y0) {
      g.lineStyle(1, 0xffffff, 0.35);
      g.strokeRect(x0, y0, x1 - x0, y1 - y0);
    }
  }

  private drawFrame(left: number, top: number, viewportWidth: number): void {
    this.placedFor = viewportWidth;
    const g = this.frame;
    g.clear();
    g.fillStyle(Palette.hudPanel, 0.92);
    g.fillRoundedRect(left - 8, top - 24, this.mapW + 16, this.mapH + 32, 10);
    g.lineStyle(1, Palette.hudPanelEdge, 0.9);
    g.strokeRoundedRect(left - 8, top - 24, this.mapW + 16, this.mapH + 32, 10);
    g.lineStyle(1, Palette.boundary, 0.6);
    g.strokeRect(left, top, this.mapW, this.mapH);
    this.caption.setPosition(left + this.mapW, top - 18);
  }
}
