import {
  type ClientToServerEvents,
  type ErrorPayload,
  type JoinResult,
  protocolError,
  type ServerToClientEvents,
} from '@perihelion/protocol';
import type { Namespace } from 'socket.io';
import type { Room } from '../rooms/room.js';
import type { RoomRegistry } from '../rooms/room-registry.js';
import type { ConnectionContext } from './connection-context.js';
import type { GatewayHooks } from './gateway-hooks.js';
import { RosterBatches } from './roster-batches.js';

type Ack = ((...args: unknown[]) => void) | null;

function refuse(ctx: ConnectionContext, ack: Ack, sector: string, error: ErrorPayload, node?: string | null) {
  ctx.log.info({ sector, code: error.code, node }, 'join refused');
  const refusal: JoinResult = node ? { ok: false, error, node } : { ok: false, error };
  ack?.(refusal);
}

/** The Socket.IO room of a sector's connections (broadcasts reach exactly the players in it). */
export const sectorRoomKey = (sector: string) => `sector:${sector}`;

export interface SectorPresenceOptions {
  namespace: Namespace<ClientToServerEvents, ServerToClientEvents>;
  rooms: RoomRegistry;
  hooks: GatewayHooks;
  contextOf(connectionId: string): ConnectionContext | undefined;
  /** The connection piloting the player's avatar on this node, if any. */
  pilotOf(playerId: string): ConnectionContext | undefined;
  /** Another node piloted the player's avatar until this join: tell it to displace its pilot. */
  displaceOn(node: string, takeover: PilotTakeover): void;
  runHook(name: string, run: () => void): void;
}

/** A connection took a player's avatar at `at` (ms since the epoch), in `sector`. */
export interface PilotTakeover {
  playerId: string;
  sector: string;
  at: number;
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

  /**
   * Puts the connection's avatar into the sector: at once when this node runs it, after opening it
   * when nobody does (its lease, its stored state), or refused with the node that runs it.
   * `entered` runs once the avatar is in.
   */
  join(ctx: ConnectionContext, sector: string, ack: Ack, entered: () => void): void {
    // leave() counts as an attempt too (a join still opening is moot after it): count this one after.
    if (ctx.presence?.sector !== sector) this.leave(ctx, true);
    const attempt = ++ctx.joinAttempt;
    const room = this.opts.rooms.get(sector);
    if (room) {
      this.enter(ctx, room, ack);
      entered();
      return;
    }
    this.opts.rooms.open(sector).then(
      (opening) => {
        // A newer join or a leave came meanwhile, or the connection is gone: this one is moot.
        if (attempt !== ctx.joinAttempt || !ctx.socket.connected) return;
        if (opening.kind === 'here') {
          this.enter(ctx, opening.room, ack);
          entered();
        } else if (opening.kind === 'limit') {
          refuse(
            ctx,
            ack,
            sector,
            protocolError(
              'SECTOR_LIMIT',
              'the server runs as many sectors as it can; join an existing one',
              'join',
            ),
          );
        } else {
          const where = opening.node ? `node ${opening.node}` : 'another node';
          const message = `sector "${sector}" runs on ${where}; reconnect there`;
          refuse(ctx, ack, sector, protocolError('SECTOR_ELSEWHERE', message, 'join'), opening.node);
        }
      },
      (err: unknown) => {
        ctx.log.error({ err, sector }, 'could not open the sector');
        if (attempt !== ctx.joinAttempt) return;
        const error = protocolError('INTERNAL', 'the sector could not be opened; try again', 'join');
        refuse(ctx, ack, sector, error);
      },
    );
  }

  private enter(ctx: ConnectionContext, room: Room, ack: Ack): void {
    const { session, socket } = ctx;
    const sector = room.id;
    if (!room.has(session.playerId) && room.isFull) {
      const error = protocolError(
        'SECTOR_FULL',
        `sector "${sector}" is full (${room.capacity} players)`,
        'join',
      );
      refuse(ctx, ack, sector, error);
      return;
    }
    this.displaceOtherPilot(ctx, sector);
    ctx.joinedAt = Date.now();
    this.claimPilot(ctx, sector);
    const resume = session.saved?.sector === sector ? session.saved : room.takeCarried(session.playerId);
    const near = resume ? null : (this.opts.hooks.spawnNear?.(session.playerId, sector) ?? null);
    const { member, own } = room.join(session.playerId, session.name, ctx.link, resume, near);
    ctx.presence = { sector, member };
    session.pilot = ctx.id;
    session.saved = null;
    socket.join(sectorRoomKey(sector));
    const entry = { id: session.playerId, name: session.name, handle: member.handle };
    this.roster.joined(sector, entry);
    ctx.log.info({ sector, resumed: resume !== null }, 'joined sector');
    const accepted: JoinResult = {
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
    };
    ack?.(accepted);
    this.opts.runHook('joined', () => this.opts.hooks.joined?.(ctx, sector));
  }

  /**
   * The room stopped here (this node lost its lease): every connection in it is told where the
   * sector runs now, and reconnects there. Ships waiting out a resume grace here are dropped: the
   * sector's new owner has them from its checkpoint.
   */
  moveOut(sector: string, node: string | null, connections: Iterable<ConnectionContext>): void {
    for (const ctx of connections) {
      if (ctx.presence?.sector !== sector) continue;
      ctx.presence = null;
      ctx.joinAttempt++;
      if (ctx.session.pilot === ctx.id) ctx.session.pilot = null;
      ctx.socket.leave(sectorRoomKey(sector));
      ctx.send('moved', { sector, node });
    }
    this.roster.forget(sector);
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

  /**
   * One avatar per player across the cluster too: the join is recorded (one Redis write), and the
   * node that piloted the player before, if another, is told to displace its pilot. No message
   * goes to the other nodes unless one has to act.
   */
  private claimPilot(ctx: ConnectionContext, sector: string): void {
    const takeover: PilotTakeover = { playerId: ctx.playerId, sector, at: ctx.joinedAt };
    this.opts.rooms.claimPilot(ctx.playerId).then(
      (before) => {
        if (before) this.opts.displaceOn(before, takeover);
      },
      (err: unknown) => ctx.log.warn({ err }, 'could not record the pilot'),
    );
  }

  /**
   * A connection of the player on another node took the avatar: this node's pilot, if it joined
   * before that, is displaced as a second tab here would displace it.
   */
  displacedElsewhere(takeover: PilotTakeover): void {
    const pilot = this.opts.pilotOf(takeover.playerId);
    if (!pilot?.presence || pilot.joinedAt > takeover.at) return;
    this.leave(pilot, false);
    pilot.send('displaced', { sector: takeover.sector });
    pilot.log.info('displaced by a connection of the same player on another node');
  }

  /** Removes the player from its sector; `keepForResume` saves the ship for a reconnect. */
  leave(ctx: ConnectionContext, keepForResume: boolean): void {
    const { session, socket, presence } = ctx;
    ctx.joinAttempt++;
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
