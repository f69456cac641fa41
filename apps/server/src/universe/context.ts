import type { Db } from '@perihelion/db';
import type { CarriedAvatar, DurableScheduler, Inbox } from '@perihelion/engine';
import type { Content, SectorSimulation } from '@perihelion/game';
import type { UniverseEvent } from '@perihelion/protocol';
import type { Logger } from 'pino';
import type { StoredProfiles } from './profiles.js';
import type { SectorChanges } from './sector-changes.js';
import type { StructureIndex } from './structure-index.js';

/** Reaches live connections; bound to the gateway once it exists. */
export interface Broadcaster {
  toPlayer(playerId: string, event: UniverseEvent, payload: unknown): void;
  toSector(sector: string, event: UniverseEvent, payload: unknown): void;
  /** Every game connection of this node. */
  toAll(event: UniverseEvent, payload: unknown): void;
}

/** What the universe's services share: the store, the durable parts and the live world. */
export interface UniverseContext {
  db: Db;
  /** The content in force now: it may change while the server runs (live tuning). */
  readonly content: Content;
  logger: Logger;
  scheduler: DurableScheduler;
  inbox: Inbox;
  profiles: StoredProfiles;
  structures: StructureIndex;
  /** The running simulation of each sector, by id. */
  sims: Map<string, SectorSimulation>;
  /**
   * The fence of this node's lease on a sector it runs, for writes of the sector's state; null
   * when it does not run the sector or may no longer act for it.
   */
  fenceOf(sector: string): number | null;
  /** The players' avatars in a sector this node runs (to save with it). */
  avatarsIn(sector: string): CarriedAvatar[];
  send: Broadcaster;
  /** Announces stored changes of a sector to every node (this one included). */
  changes: SectorChanges;
  /** Sends the player's current profile to all of its connections. */
  pushProfile(playerId: string): Promise<void>;
}
