import { Button, defaultContent, shipFromArray } from '@perihelion/game';
import Phaser from 'phaser';
import type { GameSession } from '../../session/session.js';
import { ShipControls } from '../input/ship-controls.js';
import { SceneKey } from '../scene-keys.js';
import { EntityLayer, type OwnShip } from '../world/entity-layer.js';
import { type CameraTarget, FollowCamera } from '../world/follow-camera.js';
import { drawSectorBounds } from '../world/sector-bounds.js';
import { Starfield } from '../world/starfield.js';

/** A longer gap (a stall, a background tab) is treated as this long, so nothing leaps. */
const MAX_FRAME_MS = 250;

/**
 * The sector as the player sees it. Each frame: read the keys, let the SDK step and send inputs,
 * then draw the own ship where prediction says and everything else where interpolation says.
 */
export class PlayScene extends Phaser.Scene {
  private controls!: ShipControls;
  private entities!: EntityLayer;
  private starfield!: Starfield;
  private follow!: FollowCamera;
  private lastFrameAt: number | null = null;

  constructor(private readonly session: GameSession) {
    super(SceneKey.Play);
  }

  create(): void {
    this.starfield = new Starfield(this);
    drawSectorBounds(this, defaultContent.sector);
    this.entities = new EntityLayer(this, defaultContent);
    this.controls = new ShipControls(this.input.keyboard!);
    this.follow = new FollowCamera(this.cameras.main);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => this.entities.destroy());
    this.scene.launch(SceneKey.Hud);
  }

  override update(): void {
    // The SDK's clock: performance.now(), the same one it stamps snapshots with. Frame time comes
    // from it too: Phaser's delta is smoothed and capped, so on a struggling machine it runs slower
    // than the world does and the camera would fall behind the ship.
    const now = performance.now();
    const dt = this.lastFrameAt === null ? 0 : Math.min(now - this.lastFrameAt, MAX_FRAME_MS) / 1000;
    this.lastFrameAt = now;
    const { client, frame } = this.session;

    const buttons = this.controls.read();
    client.update(now, buttons);

    const ownState = client.ownRenderState(now);
    const ownShip = ownState ? shipFromArray(ownState) : null;
    let own: OwnShip | null = null;
    let target: CameraTarget | null = null;
    if (ownShip && client.playerId !== null && client.handle !== null) {
      own = {
        handle: client.handle,
        playerId: client.playerId,
        name: client.roster.get(client.playerId)?.name ?? this.session.launch.name,
        x: ownShip.x,
        y: ownShip.y,
        angle: ownShip.angle,
        thrust: buttons & Button.Thrust ? 1 : 0,
      };
      target = ownShip;
    }

    const entities = this.entities.render(own, client.sampleEntities(now), client.roster, dt);
    frame.publish(
      {
        connected: client.status === 'connected',
        transport: client.transport,
        playerId: client.playerId,
        sector: client.sector,
        serverTick: client.serverTick,
        pingMs: client.pingMs,
        entities,
      },
      now,
    );

    this.follow.update(target, dt);
    this.starfield.update(this.cameras.main);
  }
}
