import type { QaEntity, QaState } from '@perihelion/protocol';

/** Entity kinds as the QA surface names them (DESIGN.md, "The QA surface"). */
export type RenderedKind = 'ship' | 'asteroid' | 'dragon';

/** One entity exactly as it was drawn (the QA surface's entity, with this game's kinds). */
export interface RenderedEntity extends QaEntity {
  kind: RenderedKind;
}

/** Everything the QA surface reports, captured together when a frame is drawn. */
export interface RenderedState extends Omit<QaState, 'entities' | 'chat' | 'presence'> {
  entities: readonly RenderedEntity[];
}

const NOTHING_DRAWN: RenderedState = {
  connected: false,
  transport: null,
  node: null,
  playerId: null,
  sector: null,
  serverTick: 0,
  pingMs: null,
  connects: 0,
  contentVersion: null,
  contentProblem: null,
  ownVelocity: null,
  entities: [],
  profile: null,
  structures: [],
  notifications: [],
  worldEvent: null,
};

/**
 * What the play scene drew in its latest frame, and the connection state it drew it with. Taking
 * both at the same moment means a reader never sees "connected" next to a world from an earlier
 * frame. The HUD draws its words from the same capture, so the QA surface reports exactly what the
 * player was shown. It lives with the session rather than the scene so it outlives a hot-reloaded
 * scene.
 */
export class RenderedFrame {
  state: RenderedState = NOTHING_DRAWN;
  /** performance.now() of the frame, or 0 before the first one. */
  at = 0;

  publish(state: RenderedState, at: number): void {
    this.state = state;
    this.at = at;
  }
}
