import { Button, StructureKind, shipFromArray } from '@perihelion/game';
import type { QaNotification } from '@perihelion/protocol';
import Phaser from 'phaser';
import type { GameSession } from '../../session/session.js';
import type { ShownNotification } from '../../session/universe-state.js';
import { showWorldEvent } from '../../session/world-event-view.js';
import { bindActionKeys } from '../input/action-keys.js';
import { ShipControls } from '../input/ship-controls.js';
import { SceneKey } from '../scene-keys.js';
import { EntityLayer, type OwnShip } from '../world/entity-layer.js';
import { type CameraTarget, FollowCamera } from '../world/follow-camera.js';
import { MiningBeams } from '../world/mining-beams.js';
import { drawSectorBounds } from '../world/sector-bounds.js';
import { Starfield } from '../world/starfield.js';
import { StructureLayer } from '../world/structure-layer.js';

/** A longer gap (a stall, a background tab) is treated as this long, so nothing leaps. */
const MAX_FRAME_MS = 250;

/**
 * The sector as the player sees it. Each frame: read the keys, let the SDK step and send inputs,
 * then draw the own ship where prediction says, everything else where interpolation says, and the
 * sector's structures as the server's clock says they have progressed.
 */
export class PlayScene extends Phaser.Scene {
  private controls!: ShipControls;
  private entities!: EntityLayer;
  private structures!: StructureLayer;
  private beams!: MiningBeams;
  private starfield!: Starfield;
  private follow!: FollowCamera;
  private lastFrameAt: number | null = null;
  /** Where the own ship was last drawn: builds are placed there. */
  private ownAt: { x: number; y: number } | null = null;
  /** The QA form of the notification list, rebuilt only when the list changes. */
  private notes: { from: readonly ShownNotification[]; qa: QaNotification[] } = { from: [], qa: [] };

  constructor(private readonly session: GameSession) {
    super(SceneKey.Play);
  }

  create(): void {
    const { session } = this;
    const content = () => session.content();
    this.starfield = new Starfield(this);
    drawSectorBounds(this, content().sector);
    this.structures = new StructureLayer(this, content);
    this.beams = new MiningBeams(this, content);
    this.entities = new EntityLayer(this, content());
    this.controls = new ShipControls(this.input.keyboard!);
    const buildHere = (kind: string) => {
      if (this.ownAt) session.commands.build(kind, this.ownAt);
    };
    bindActionKeys(this.input.keyboard!, {
      buildStationCore: () => buildHere(StructureKind.StationCore),
      buildShieldModule: () => buildHere(StructureKind.ShieldModule),
      cancelNearestBuild: () => {
        if (this.ownAt) session.commands.cancelNearest(this.ownAt);
      },
      toggleNotifications: () => {
        session.ui.notificationsOpen = !session.ui.notificationsOpen;
      },
      takeHelm: () => {
        if (session.client.status === 'standby') session.client.takeHelm();
      },
    });
    this.follow = new FollowCamera(this.cameras.main);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      this.entities.destroy();
      this.structures.destroy();
      this.beams.destroy();
    });
    this.scene.launch(SceneKey.Hud);
  }

  override update(): void {
    // The SDK's clock: performance.now(), the same one it stamps snapshots with. Frame time comes
    // from it too: Phaser's delta is smoothed and capped, so on a struggling machine it runs slower
    // than the world does and the camera would fall behind the ship.
    const now = performance.now();
    const dt = this.lastFrameAt === null ? 0 : Math.min(now - this.lastFrameAt, MAX_FRAME_MS) / 1000;
    this.lastFrameAt = now;
    const { client, frame, universe } = this.session;

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
        name: this.session.pilotName(),
        x: ownShip.x,
        y: ownShip.y,
        angle: ownShip.angle,
        thrust: buttons & Button.Thrust ? 1 : 0,
      };
      target = ownShip;
    }
    this.ownAt = own ? { x: own.x, y: own.y } : null;

    const serverNow = client.serverNow();
    const others = client.sampleEntities(now);
    const structures = this.structures.render(universe.structures, serverNow, now / 1000);
    this.beams.render(own && buttons & Button.Mine ? own : null, others, now / 1000);
    const entities = this.entities.render(own, others, client.roster, dt);
    const profile = universe.profile;
    frame.publish(
      {
        connected: client.status === 'connected',
        transport: client.transport,
        node: client.node,
        playerId: client.playerId,
        sector: client.sector,
        serverTick: client.serverTick,
        pingMs: client.pingMs,
        connects: this.session.connects(),
        contentVersion: this.session.contentState.version,
        contentProblem: this.session.contentState.problem,
        ownVelocity: ownShip ? { vx: ownShip.vx, vy: ownShip.vy } : null,
        entities,
        profile: profile && {
          id: profile.id,
          name: profile.name,
          ore: profile.ore,
          credits: profile.credits,
        },
        structures,
        notifications: this.qaNotifications(universe.notifications),
        worldEvent: showWorldEvent(universe.worldEvent(serverNow), serverNow),
      },
      now,
    );

    this.follow.update(target, dt);
    this.starfield.update(this.cameras.main);
  }

  private qaNotifications(shown: readonly ShownNotification[]): QaNotification[] {
    if (this.notes.from !== shown) {
      this.notes = { from: shown, qa: shown.map(({ seq, kind, text }) => ({ seq, kind, text })) };
    }
    return this.notes.qa;
  }
}
