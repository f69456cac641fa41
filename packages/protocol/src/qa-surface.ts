/**
 * The page's test surface, `window.__QA__` (DESIGN.md, "The QA surface"): a stable contract
 * between the game page and the test suites that drive it, typed once for both.
 */
export type QaTransport = 'websocket' | 'polling';

/** One entity exactly as it was drawn: world units, radians, angle 0 pointing +x. */
export interface QaEntity {
  /** A ship's id is its player's id. */
  id: string;
  kind: string;
  x: number;
  y: number;
  angle: number;
  name?: string;
}

export interface QaState {
  connected: boolean;
  transport: QaTransport | null;
  playerId: string | null;
  sector: string | null;
  serverTick: number;
  pingMs: number | null;
  /** As rendered in the latest frame, own ship included. */
  entities: QaEntity[];
}

export interface QaSurface {
  state(): QaState;
}
