import {
  type ClientToServerEvents,
  type ErrorPayload,
  type JoinResult,
  protocolError,
  type ServerToClientEvents,
} from '@perihelion/protocol';
import type { Namespace } from 'socket.io';
import type { ConnectionContext } from './connection-context.js';
import type { GatewayHooks } from './gateway-hooks.js';
import type { RoomRegistry } from './room-registry.js';
import { RosterBatches } from './roster-batches.js';

type Ack = ((...args: unknown[]) => void) | null;

/** The Socket.IO room of a sector's connections (broadcasts reach exactly the players in it). */
export const sectorRoomKey = (sector: string) => `sector:${sector}`;

export interface SectorPresenceOptions {
  namespace: Namespace<ClientToServerEvents, ServerToClientEvents>;
  rooms: RoomRegistry;
  hooks: GatewayHooks;
  contextOf(connectionId: string): ConnectionContext | undefined;
  runHook(name: string, run: () => void): void;
}

/**
 * Where each connection's avatar is: joining a sector (with resume, spawn point and the roster),
 * handing the one avatar of a player from tab to tab, and leaving.
 */
export class SectorPresence {
  private readonly nsp: Namespace<ClientToServerEvents, ServerToClientEvents>;
  private readonly roster: RosterBatches;

  constructor(private readonly opts: SectorPresenceOptions) {
    this.nsp = opts.namespace;
    this.roster = new RosterBatches((sector, change) =>
      // This node's members only: a sector's players are all on the node that runs it.
      this.nsp.local.to(sectorRoomKey(sector)).emit('roster', change),
    );
  }

  /** Stops batching (the server is stopping). */
  close(): void {
    this.roster.close();
  }

  join(ctx: ConnectionContext, sector: string, ack: Ack): void {
    const { session, socket } = ctx;
    const reply = (res: JoinResult) => ack?.(res);
    const refuse = (error: ErrorPayload) => {
      ctx.log.info({ sector, code: error.code }, 'join refused');
      reply({ ok: false, error });
    };
    if (ctx.presence?.sector !== sector) this.leave(ctx, true);
    const room = this.opts.rooms.getOrCreate(sector);
    if (!room) {
      refuse(
        protocolError(
          'SECTOR_LIMIT',
          'the server runs as many sectors as it can; join an existing one',
          'join',
        ),
      );
      return;
    }
    if (!room.has(session.playerId) && room.isFull) {
      refuse(protocolError('SECTOR_FULL', `sector "${sector}" is full (${room.capacity} players)`, 'join'));
      return;
    }
    this.displaceOtherPilot(ctx, sector);
    const resume = session.saved?.sector === sector ? session.saved : null;
    const near = resume ? null : (this.opts.hooks.spawnNear?.(session.playerId, sector) ?? null);
    const { member, own } = room.join(session.playerId, session.name, ctx.link, resume, near);
    ctx.presence = { sector, member };
    session.pilot = ctx.id;
    session.saved = null;
    socket.join(sectorRoomKey(sector));
    const entry = { id: session.playerId, name: session.name, handle: member.handle };
    this.roster.joined(sector, entry);
    ctx.log.info({ sector, resumed: resume !== null }, 'joined sector');
    reply({
      ok: true,
      playerId: session.playerId,
      name: session.name,
      sector,
      handle: member.handle,
      tickRate: room.tickRate,
      snapshotRate: room.snapshotRate,
      lastInputSeq: member.lastAppliedSeq,
      own: [...own],
      serverTime: Date.now(),
      leaveToken: ctx.leaveToken,
      roster: room.roster(),
    });
    this.opts.runHook('joined', () => this.opts.hooks.joined?.(ctx, sector));
  }

  /**
   * One player, one avatar: a second tab joining takes over the ship (same sector: the ship is
   * handed over as it is; another sector: it leaves that one). The other tab is told, and stays
   * connected for everything that is not piloting (notifications, profile).
   */
  private displaceOtherPilot(ctx: ConnectionContext, sector: string): void {
    const pilotId = ctx.session.pilot;
    if (!pilotId || pilotId === ctx.id) return;
    const other = this.opts.contextOf(pilotId);
    if (!other?.presence) return;
    if (other.presence.sector === sector) {
      // The room hands the ship to the new member in join(); only the old connection's ties go.
      other.presence = null;
      other.socket.leave(sectorRoomKey(sector));
    } else {
      this.leave(other, false);
    }
    other.send('displaced', { sector });
    other.log.info('displaced by another connection of the same player');
  }

  /** Removes the player from its sector; `keepForResume` saves the ship for a reconnect. */
  leave(ctx: ConnectionContext, keepForResume: boolean): void {
    const { session, socket, presence } = ctx;
    if (!presence) return;
    ctx.presence = null;
    if (session.pilot === ctx.id) session.pilot = null;
    socket.leave(sectorRoomKey(presence.sector));
    // Leaves only if this connection still owns the presence (a newer connection may have taken it).
    const left = this.opts.rooms.get(presence.sector)?.leave(session.playerId, presence.member);
    if (!left) return;
    session.saved = keepForResume ? { sector: presence.sector, ...left } : null;
    this.roster.left(presence.sector, session.playerId);
  }
}
