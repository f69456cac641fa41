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

export interface QaProfile {
  id: string;
  name: string;
  ore: number;
  credits: number;
}

/** A structure as drawn: progress is 0..1 while building, 1 once active. */
export interface QaStructure {
  id: string;
  kind: string;
  owner: string;
  x: number;
  y: number;
  state: 'building' | 'active';
  progress: number;
}

/** A notification as shown to the player (toast and list), oldest first. */
export interface QaNotification {
  seq: number;
  kind: string;
  text: string;
}

/** The sector's announced or running world event, as shown in the banner. */
export interface QaWorldEvent {
  kind: string;
  phase: 'warning' | 'active';
  text: string;
}

/** One chat message as the chat panel shows it. */
export interface QaChatMessage {
  /** Its offset in the channel (1, 2, 3 … without gaps, unless older ones are no longer kept). */
  offset: number;
  /** The sender's player id, or `system` for the server and the publish API. */
  sender: string;
  senderName: string;
  text: string;
}

/** One player online in a channel (two tabs of one player are one entry). */
export interface QaPresenceEntry {
  id: string;
  name: string;
}

export interface QaState {
  connected: boolean;
  transport: QaTransport | null;
  /**
   * The server node serving this page's connection (its NODE_ID, from the session id); null
   * while not connected, or when the server runs without node ids.
   */
  node: string | null;
  playerId: string | null;
  sector: string | null;
  serverTick: number;
  pingMs: number | null;
  /**
   * How many times this page's game connection has been opened (1 after the first connect): a
   * test reads "no reconnect" as this number staying the same.
   */
  connects: number;
  /** The version of the content the page predicts and prices with (the server's), once known. */
  contentVersion: string | null;
  /** The content problem shown to the designer (the overlay), or null when there is none. */
  contentProblem: { source: string; issues: Array<{ path: string; message: string }> } | null;
  /** The own ship's velocity (units per second) in the latest frame, null without a ship. */
  ownVelocity: { vx: number; vy: number } | null;
  /** As rendered in the latest frame, own ship included. */
  entities: QaEntity[];
  /** The player's stored profile, once the server has sent it. */
  profile: QaProfile | null;
  /** Live structures of the sector as rendered (building or active). */
  structures: QaStructure[];
  /** Notifications shown since the page loaded, oldest first, each seq once. */
  notifications: QaNotification[];
  /** The world event currently announced or running in this sector, if any. */
  worldEvent: QaWorldEvent | null;
  /**
   * Per subscribed channel (`global`, `announcements`, `sector:<id>`, `dm:<a>:<b>`, …): its
   * messages as shown, oldest first, each offset once. Messages still being sent are not here
   * until the server has stored them. Empty before the chat is connected.
   */
  chat: Record<string, QaChatMessage[]>;
  /**
   * Per subscribed channel: who is online in it now, sorted by name; in a channel of more than 50
   * players, the 50 the server lists (the page shows the count of everyone beside them).
   */
  presence: Record<string, QaPresenceEntry[]>;
}

export interface QaSurface {
  state(): QaState;
}
