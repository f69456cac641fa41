import type { Content } from '@perihelion/game';
import Phaser from 'phaser';
import { mountedChat } from '../../session/chat-session.js';
import type { GameSession } from '../../session/session.js';
import { buildHelpText } from '../hud/build-help.js';
import { ChatPanel } from '../hud/chat-panel.js';
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
  /** Appears once the session has mounted its chat (see session/chat-session.ts). */
  private chat: ChatPanel | null = null;
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
    const removeDom = () => {
      this.chat?.destroy();
      this.chat = null;
      this.dom.destroy();
    };
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, removeDom);
    this.events.once(Phaser.Scenes.Events.DESTROY, removeDom);
  }

  override update(): void {
    const content = this.session.content();
    if (content !== this.helpFor) {
      this.helpFor = content;
      this.dom.setBuildHelp(buildHelpText(content));
    }
    const now = performance.now();
    this.dom.update(readHudModel(this.session, now));
    const chat = mountedChat();
    if (chat && !this.chat) {
      this.chat = new ChatPanel(chat);
      this.dom.mount(this.chat.root);
    }
    this.chat?.update(now);
    const { entities, structures } = this.session.frame.state;
    const ownId = this.session.client.playerId;
    const view = this.scene.get(SceneKey.Play).cameras.main.worldView;
    const { width, height } = this.scale;
    this.minimap.update(entities, structures, ownId, view, width);
    this.markers.update(entities, ownId, view, width, height);
  }
}
