import { type Content, structureName, structureSpec } from '@perihelion/game';
import type { QaStructure, Structure } from '@perihelion/protocol';
import type Phaser from 'phaser';
import { shipColour } from '../palette.js';
import { GENERIC_STRUCTURE } from '../textures/structure-textures.js';
import { structureTextureKey } from '../textures/texture-keys.js';
import { StructureView } from './structure-view.js';

/** Size of a structure whose kind this client's content does not know (a newer server). */
const UNKNOWN_RADIUS = 30;

/**
 * Construction progress at server time `serverNow`: how much of the build time has passed, 0..1.
 * Computed from the server's timestamps on the server's clock, so every client shows the same.
 */
export function constructionProgress(s: Structure, serverNow: number): number {
  if (s.state !== 'building') return 1;
  const span = s.completesAt - s.startedAt;
  if (span <= 0) return 1;
  return Math.max(0, Math.min(1, (serverNow - s.startedAt) / span));
}

/**
 * Keeps one StructureView per live structure of the sector: created when it appears, redrawn each
 * frame (progress moves), destroyed when cancelled or destroyed. Returns what it drew, in
 * QA-surface form.
 */
export class StructureLayer {
  private readonly views = new Map<string, StructureView>();

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly content: () => Content,
  ) {}

  render(structures: readonly Structure[], serverNow: number, time: number): QaStructure[] {
    const content = this.content();
    const drawn: QaStructure[] = [];
    const seen = new Set<string>();
    for (const s of structures) {
      if (s.state !== 'building' && s.state !== 'active') continue;
      const spec = structureSpec(s.kind, content);
      const progress = constructionProgress(s, serverNow);
      let view = this.views.get(s.id);
      if (!view) {
        view = new StructureView(this.scene);
        this.views.set(s.id, view);
      }
      view.draw({
        structure: s,
        art: spec && this.scene.textures.exists(structureTextureKey(s.kind)) ? s.kind : GENERIC_STRUCTURE,
        kindName: spec ? structureName(s.kind, content) : s.kind,
        radius: spec?.radius ?? UNKNOWN_RADIUS,
        shieldRadius: spec?.shieldRadius ?? 0,
        colour: shipColour(s.ownerId),
        progress,
        remainingMs: s.completesAt - serverNow,
        time,
      });
      seen.add(s.id);
      drawn.push({ id: s.id, kind: s.kind, owner: s.ownerId, x: s.x, y: s.y, state: s.state, progress });
    }
    for (const [id, view] of this.views) {
      if (seen.has(id)) continue;
      view.destroy();
      this.views.delete(id);
    }
    return drawn;
  }

  destroy(): void {
    for (const view of this.views.values()) view.destroy();
    this.views.clear();
  }
}
