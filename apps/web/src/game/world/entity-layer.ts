import type { RenderEntity } from '@perihelion/client';
import { ASTEROID_SIZE_CLASSES, type Content, EntityKind } from '@perihelion/game';
import type { RosterEntry } from '@perihelion/protocol';
import type Phaser from 'phaser';
import type { RenderedEntity } from '../../session/rendered-frame.js';
import { shipColour, UNKNOWN_SHIP_COLOUR } from '../palette.js';
import { ASTEROID_SHAPES, asteroidTextureKey } from '../textures/texture-keys.js';
import { Depth } from './depth.js';
import { DragonView } from './dragon-view.js';
import { ShipView } from './ship-view.js';
import { ThrustEstimator } from './thrust-estimator.js';

/** The player's own ship as predicted this frame. */
export interface OwnShip {
  handle: number;
  playerId: string;
  name: string;
  x: number;
  y: number;
  angle: number;
  /** 0..1; known exactly from the keys held. */
  thrust: number;
}

type View =
  | { kind: 'ship'; ship: ShipView; thrust: ThrustEstimator | null }
  | { kind: 'asteroid'; variant: number; image: Phaser.GameObjects.Image }
  | { kind: 'dragon'; dragon: DragonView };

/**
 * Keeps one set of game objects per entity handle: created when an entity first appears, moved
 * every frame, destroyed when it is gone. Returns what it drew, in QA-surface form.
 */
export class EntityLayer {
  private readonly views = new Map<number, View>();
  private readonly seen = new Set<number>();

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly content: Content,
  ) {}

  render(
    own: OwnShip | null,
    others: readonly RenderEntity[],
    roster: ReadonlyMap<string, RosterEntry>,
    dt: number,
  ): RenderedEntity[] {
    const byHandle = new Map<number, RosterEntry>();
    for (const entry of roster.values()) byHandle.set(entry.handle, entry);
    const drawn: RenderedEntity[] = [];
    this.seen.clear();

    if (own) {
      const view = this.shipView(own.handle, true);
      view.ship.setIdentity(own.name, shipColour(own.playerId));
      view.ship.place(own, dt);
      this.seen.add(own.handle);
      drawn.push({ id: own.playerId, kind: 'ship', x: own.x, y: own.y, angle: own.angle, name: own.name });
    }

    for (const e of others) {
      if (this.seen.has(e.handle)) continue;
      if (e.kind === EntityKind.Ship) {
        const entry = byHandle.get(e.handle);
        const view = this.shipView(e.handle, false);
        const thrust = view.thrust?.update(e.x, e.y, e.angle, dt) ?? 0;
        view.ship.setIdentity(entry?.name ?? '', entry ? shipColour(entry.id) : UNKNOWN_SHIP_COLOUR);
        view.ship.place({ x: e.x, y: e.y, angle: e.angle, thrust }, dt);
        const id = entry?.id ?? `ship-${e.handle}`;
        drawn.push(
          entry
            ? { id, kind: 'ship', x: e.x, y: e.y, angle: e.angle, name: entry.name }
            : { id, kind: 'ship', x: e.x, y: e.y, angle: e.angle },
        );
      } else if (e.kind === EntityKind.Asteroid) {
        this.asteroidView(e.handle, e.variant).setPosition(e.x, e.y).setRotation(e.angle);
        drawn.push({ id: `asteroid-${e.handle}`, kind: 'asteroid', x: e.x, y: e.y, angle: e.angle });
      } else if (e.kind === EntityKind.Dragon) {
        this.dragonView(e.handle).place(e.x, e.y, e.angle, dt);
        drawn.push({ id: `dragon-${e.handle}`, kind: 'dragon', x: e.x, y: e.y, angle: e.angle });
      } else {
        continue; // A kind this client does not know how to draw (a newer server): skip it.
      }
      this.seen.add(e.handle);
    }

    for (const [handle, view] of this.views) {
      if (!this.seen.has(handle)) {
        destroyView(view);
        this.views.delete(handle);
      }
    }
    return drawn;
  }

  destroy(): void {
    for (const view of this.views.values()) destroyView(view);
    this.views.clear();
  }

  private shipView(handle: number, own: boolean): Extract<View, { kind: 'ship' }> {
    const existing = this.views.get(handle);
    // A handle can change hands (own ship after a reconnect, or another kind): rebuild then.
    if (existing?.kind === 'ship' && (existing.thrust === null) === own) return existing;
    if (existing) destroyView(existing);
    const view: View = {
      kind: 'ship',
      ship: new ShipView(this.scene, own),
      thrust: own ? null : new ThrustEstimator(this.content.ship),
    };
    this.views.set(handle, view);
    return view;
  }

  private dragonView(handle: number): DragonView {
    const existing = this.views.get(handle);
    if (existing?.kind === 'dragon') return existing.dragon;
    if (existing) destroyView(existing);
    const dragon = new DragonView(this.scene, handle);
    this.views.set(handle, { kind: 'dragon', dragon });
    return dragon;
  }

  private asteroidView(handle: number, variant: number): Phaser.GameObjects.Image {
    const existing = this.views.get(handle);
    if (existing?.kind === 'asteroid' && existing.variant === variant) return existing.image;
    if (existing) destroyView(existing);
    const sizeClass = Math.max(0, Math.min(ASTEROID_SIZE_CLASSES - 1, variant));
    const texture = asteroidTextureKey(sizeClass, handle % ASTEROID_SHAPES);
    const image = this.scene.add.image(0, 0, texture).setDepth(Depth.Asteroid);
    this.views.set(handle, { kind: 'asteroid', variant, image });
    return image;
  }
}

function destroyView(view: View): void {
  if (view.kind === 'ship') view.ship.destroy();
  else if (view.kind === 'dragon') view.dragon.destroy();
  else view.image.destroy();
}
