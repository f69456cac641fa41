import type { Content } from '@perihelion/game';
import Phaser from 'phaser';
import type { GameSession } from '../../session/session.js';
import { buildHelpText } from '../hud/build-help.js';
import { DomHud } from '../hud/dom-hud.js';
import { readHudModel } from '../hud/hud-model.js';
import { Minimap } from '../hud/minimap.js';
import { OffscreenMarkers } from '../hud/offscreen-markers.js';
import { SceneKey } from '../scene-keys.js';

/**
 * Everything fixed to the screen, on top of the world. Words go to a DOM layer over the canvas
 * (accessible and crisp); the sector map is a drawing, so it is drawn here, by a camera that never
 * scrolls or zooms.
 */
export class HudScene extends Phaser.Scene {
  private dom!: DomHud;
  private minimap!: Minimap;
  private markers!: OffscreenMarkers;
  /** The content the build help's prices were last written from. */
  private helpFor: Content | null = null;

  constructor(private readonly session: GameSession) {
    super(SceneKey.Hud);
  }

  create(): void {
    const { session } = this;
    const content = session.content();
    this.dom = new DomHud(
      this.game.canvas.parentElement ?? document.body,
      { takeHelm: () => session.client.takeHelm() },
      buildHelpText(content),
    );
    this.minimap = new Minimap(this, content.sector);
    this.markers = new OffscreenMarkers(this);
    // The DOM layer is not a game object: take it down with the scene (and with a hot-reloaded game).
    const removeDom = () => this.dom.destroy();
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, removeDom);
    this.events.once(Phaser.Scenes.Events.DESTROY, removeDom);
  }

  override update(): void {
    const content = this.session.content();
    if (content !== this.helpFor) {
      this.helpFor = content;
      this.dom.setBuildHelp(buildHelpText(content));
    }
    this.dom.update(readHudModel(this.session, performance.now()));
    const { entities, structures } = this.session.frame.state;
    const ownId = this.session.client.playerId;
    const view = this.scene.get(SceneKey.Play).cameras.main.worldView;
    const { width, height } = this.scale;
    this.minimap.update(entities, structures, ownId, view, width);
    this.markers.update(entities, ownId, view, width, height);
  }
}
