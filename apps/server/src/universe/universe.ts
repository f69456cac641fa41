import type { Store } from '@perihelion/db';
import {
  type Bus,
  command,
  DurableScheduler,
  type GameGateway,
  type GatewayHooks,
  type IdentityProvider,
  Inbox,
  type InboxConnection,
  type NewNotification,
  type PlayerConnection,
  type PreparedRoom,
  type RoomRegistry,
} from '@perihelion/engine';
import { SectorSimulation, StructureKind, structureSpec } from '@perihelion/game';
import {
  buildRequestSchema,
  cancelRequestSchema,
  protocolError,
  type WorldEvent,
} from '@perihelion/protocol';
import type { Logger } from 'pino';
import type { LiveContent } from '../content/live-content.js';
import { Construction } from './construction.js';
import type { UniverseContext } from './context.js';
import { MiningBank } from './mining-bank.js';
import { StoredProfiles } from './profiles.js';
import { type RaidControlResult, Raids } from './raids.js';
import { SectorChanges } from './sector-changes.js';
import { SectorCheckpoints } from './sector-checkpoints.js';
import { StructureIndex } from './structure-index.js';

export interface UniverseOptions {
  store: Store;
  /** The content in force; its changes apply to running sectors and every page at once. */
  content: LiveContent;
  logger: Logger;
  nodeId: string;
  /** Whether this node fires durable timers (TIMERS). */
  firesTimers: boolean;
  /** What the nodes of a cluster tell each other (notifications stored for a player elsewhere). */
  bus: Bus;
  newName: () => string;
}

export interface Universe {
  hooks: GatewayHooks;
  /** The stored guest profiles: whose session a request to POST /api/session is for. */
  identities: IdentityProvider;
  createSimulation(sector: string, tickRate: number): SectorSimulation;
  /** Readies a sector's stored state for this node's new grant of its lease (before createSimulation). */
  prepareSector(sector: string, fence: number): Promise<PreparedRoom>;
  /** Stores a sector's whole state now, before it is handed to another node. */
  saveSector(sector: string): Promise<void>;
  /** The sector stopped on this node (it runs elsewhere now). */
  sectorClosed(sector: string): void;
  /**
   * Stores a message in the player's inbox and delivers it to their live connections (live:
   * whether they have a game connection on any node). Null for an unknown player.
   */
  notify(playerId: string, message: NewNotification): Promise<{ seq: number; live: boolean } | null>;
  /** Raids as an operator sees them (the admin console): what runs where, trigger, call off. */
  raids: {
    eventIn(sector: string): WorldEvent | null;
    trigger(sector: string): Promise<RaidControlResult>;
    cancel(sector: string): Promise<RaidControlResult>;
  };
  /** Binds live delivery to the gateway, loads the world and starts the durable scheduler. */
  start(realtime: {
    gateway: GameGateway;
    rooms: RoomRegistry;
    connectedAnywhere(playerId: string): Promise<boolean>;
  }): Promise<void>;
  /** Saves what is pending (mined ore, checkpoints) and stops the timers; the store stays open. */
  stop(): Promise<void>;
}

const failed = (message: string) => ({ ok: false, error: protocolError('UNAVAILABLE', message) });

/**
 * The persistent universe: profiles, mining, construction, raids and sector checkpoints on top of
 * the engine's durable scheduler and inbox. Everything game-specific the server does lives here.
 */
export async function createUniverse(opts: UniverseOptions): Promise<Universe> {
  const { store, content: live, logger } = opts;
  let gateway: GameGateway | null = null;
  let connectedAnywhere: (playerId: string) => Promise<boolean> = async () => false;
  let rooms: RoomRegistry | null = null;
  const inboxConnection = (conn: PlayerConnection): InboxConnection => ({
    id: conn.id,
    send: (message) => conn.send('inbox', message),
  });
  const profiles = new StoredProfiles(store.db, () => live.current.profile.startingCredits, opts.newName);
  const ctx: UniverseContext = {
    db: store.db,
    get content() {
      return live.current;
    },
    logger,
    scheduler: new DurableScheduler({
      db: store.db,
      nodeId: opts.nodeId,
      logger: logger.child({ part: 'scheduler' }),
    }),
    inbox: new Inbox({
      db: store.db,
      logger: logger.child({ part: 'inbox' }),
      connectionsOf: (playerId) => (gateway?.connectionsOf(playerId) ?? []).map(inboxConnection),
      bus: opts.bus,
    }),
    profiles,
    structures: new StructureIndex((kind) => structureSpec(kind, live.current)?.hp ?? 1),
    sims: new Map(),
    // Handlers run once started (below), when raids exists.
    changes: new SectorChanges(opts.bus, {
      structure: (structure) => {
        ctx.structures.put(structure);
        ctx.send.toSector(structure.sector, 'structure', structure);
        // Raiding dragons circle the sector's structures.
        ctx.sims
          .get(structure.sector)
          ?.setLandmarks(ctx.structures.in(structure.sector).map((s) => ({ x: s.x, y: s.y })));
      },
      worldEvent: (event) => raids.applied(event),
    }),
    fenceOf: (sector) => (rooms?.holds(sector) ? rooms.fenceOf(sector) : null),
    avatarsIn: (sector) => gateway?.avatarsIn(sector) ?? [],
    send: {
      toPlayer: (playerId, event, payload) => gateway?.sendToPlayer(playerId, event, payload),
      toSector: (sector, event, payload) => gateway?.broadcast(sector, event, payload),
      toAll: (event, payload) => gateway?.sendToAll(event, payload),
    },
    async pushProfile(playerId) {
      const profile = await profiles.profile(playerId);
      if (profile) gateway?.sendToPlayer(playerId, 'profile', profile);
    },
  };
  const mining = new MiningBank(ctx);
  const construction = new Construction(ctx, (playerId) => mining.flush(playerId));
  const raids = new Raids(ctx);
  const checkpoints = new SectorCheckpoints(ctx);
  const log = (what: string) => (err: unknown) => logger.error({ err }, what);
  // Between two ticks (this runs on the event loop, never inside one): every sector simulates
  // its next step with the new content, and every page hears of it before that step's snapshot.
  let raidRules = live.current.raids;
  live.onChange(({ content, version }) => {
    for (const sim of ctx.sims.values()) sim.setContent(content);
    ctx.send.toAll('content', { version, content });
    const before = raidRules;
    raidRules = content.raids;
    raids
      .scheduleChanged(before, content.raids, [...ctx.sims.keys()])
      .catch(log('could not move the raid schedule to the tuned one'));
  });
  live.onProblem((problem) => ctx.send.toAll('content:problem', problem));

  const hooks: GatewayHooks = {
    commands: {
      build: command({
        schema: buildRequestSchema,
        handle: (conn, req) => construction.build(conn, req),
        failure: failed,
      }),
      cancel: command({
        schema: cancelRequestSchema,
        handle: (conn, req) => construction.cancel(conn, req),
        failure: failed,
      }),
    },
    connected(conn) {
      conn.send('content', { version: live.version, content: live.current });
      if (live.problem) conn.send('content:problem', live.problem);
      ctx.inbox.connected(conn.playerId, inboxConnection(conn)).catch(log('inbox delivery failed'));
      profiles
        .profile(conn.playerId)
        .then((profile) => profile && conn.send('profile', profile), log('could not load a profile'));
    },
    disconnected(conn) {
      ctx.inbox.disconnected(conn.id);
      void mining.flush(conn.playerId);
    },
    joined(conn, sector) {
      conn.send('structures', { sector, structures: ctx.structures.in(sector) });
      const event = raids.eventIn(sector);
      if (event) conn.send('world:event', event);
    },
    acknowledged(conn, upTo) {
      ctx.inbox.ack(conn.playerId, upTo).catch(log('inbox acknowledgement failed'));
    },
    spawnNear(playerId, sector) {
      const home = ctx.structures
        .in(sector)
        .find((s) => s.ownerId === playerId && s.kind === StructureKind.StationCore && s.state === 'active');
      return home ? { x: home.x, y: home.y } : null;
    },
  };

  return {
    hooks,
    identities: profiles,
    raids: {
      eventIn: (sector) => raids.eventIn(sector),
      trigger: (sector) => raids.trigger(sector),
      cancel: (sector) => raids.cancel(sector),
    },
    async notify(playerId, message) {
      if (!(await profiles.profile(playerId))) return null;
      const seq = await ctx.inbox.post(store.db, playerId, message);
      void ctx.inbox.flush(playerId);
      return { seq, live: await connectedAnywhere(playerId) };
    },
    createSimulation(sector, tickRate) {
      const sim = new SectorSimulation(sector, tickRate, live.current);
      checkpoints.restoreInto(sector, sim);
      sim.setLandmarks(ctx.structures.in(sector).map((s) => ({ x: s.x, y: s.y })));
      ctx.sims.set(sector, sim);
      raids.sectorOpened(sector, sim);
      return sim;
    },
    prepareSector: (sector, fence) => checkpoints.claim(sector, fence),
    saveSector: (sector) => checkpoints.saveNow(sector),
    sectorClosed(sector) {
      // Ore mined before the sector left is still banked (taken from its simulation first).
      mining.collect();
      ctx.sims.delete(sector);
    },
    async start(realtime) {
      gateway = realtime.gateway;
      rooms = realtime.rooms;
      connectedAnywhere = (playerId) => realtime.connectedAnywhere(playerId);
      // Listening first: a change stored meanwhile is either in what is loaded or heard after.
      await ctx.changes.start();
      await Promise.all([ctx.structures.load(store.db), raids.load()]);
      mining.start();
      checkpoints.start();
      // Timers this node schedules are fired by another node when it fires none itself.
      if (opts.firesTimers) await ctx.scheduler.start();
      await ctx.inbox.ready;
    },
    async stop() {
      await ctx.scheduler.stop();
      ctx.changes.stop();
      ctx.inbox.close();
      await Promise.all([mining.stop(), checkpoints.stop()]);
    },
  };
}
