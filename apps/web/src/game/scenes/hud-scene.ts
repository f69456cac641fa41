import { defaultContent } from '@perihelion/game';
import Phaser from 'phaser';
import type { GameSession } from '../../session/session.js';
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

  constructor(private readonly session: GameSession) {
    super(SceneKey.Hud);
  }

  create(): void {
    this.dom = new DomHud(this.game.canvas.parentElement ?? document.body);
    this.minimap = new Minimap(this, defaultContent.sector);
    this.markers = new OffscreenMarkers(this);
    // The DOM layer is not a game object: take it down with the scene (and with a hot-reloaded game).
    const removeDom = () => this.dom.destroy();
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, removeDom);
    this.events.once(Phaser.Scenes.Events.DESTROY, removeDom);
  }

  override update(): void {
    this.dom.update(readHudModel(this.session));
    const { entities } = this.session.frame.state;
    const ownId = this.session.client.playerId;
    const view = this.scene.get(SceneKey.Play).cameras.main.worldView;
    const { width, height } = this.scale;
    this.minimap.update(entities, ownId, view, width);
    this.markers.update(entities, ownId, view, width, height);
  }
}
