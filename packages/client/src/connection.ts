import {
  type ClientToServerEvents,
  type ErrorPayload,
  encodeInput,
  errorPayloadSchema,
  GAME_NAMESPACE,
  type IdentityMessage,
  type InboxMessage,
  type InputMessage,
  type JoinAccepted,
  joinRequestSchema,
  joinResultSchema,
  type RosterEntry,
  type ServerToClientEvents,
  serverEventSchemas,
} from '@perihelion/protocol';
import type { Socket } from 'socket.io-client';
import type { ConnectionStatus, GameClientEvents, GameClientOptions, TransportName } from './api.js';
import type { ClientLink } from './client-link.js';
import type { Emitter } from './emitter.js';
import { Pinger } from './pinger.js';
import { isPermanentHandshakeRefusal, isPermanentJoinRefusal } from './refusals.js';
import { RetryTimer } from './retry-timer.js';
import { SilenceWatch } from './silence-watch.js';
import { buildManagerOptions } from './socket-options.js';
import { TransportWatch } from './transport-watch.js';

type GameSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** engine.io-client's own way out of a dead connection (its heartbeat timeout); not in its typings. */
interface EngineCloser {
  _onClose?: (reason: string) => void;
}

const JOIN_TIMEOUT_MS = 10_000;

/** What the connection hands to the game-state side of the client. */
export interface ConnectionSink {
  /** A (re)join succeeded; every per-join state must start over from `res`. */
  joined(res: JoinAccepted): void;
  /** A binary snapshot arrived while joined (Buffer, Uint8Array or ArrayBuffer; unchecked). */
  snapshot(data: unknown): void;
  playerJoined(entry: RosterEntry): void;
  playerLeft(id: string): void;
  /** Who the server's session says this connection is (first message of every connection). */
  identity(identity: IdentityMessage): void;
  /** A durable notification (possibly one already shown: the sink de-duplicates). */
  inbox(message: InboxMessage): void;
}

/** Events the SDK handles itself; anything else is passed on as a game 'message'. */
const SDK_EVENTS: ReadonlySet<string> = new Set([
  'identity',
  's',
  'roster',
  'server:error',
  'displaced',
  'moved',
  'inbox',
]);

/**
 * The connection lifecycle of one GameClient: handshake, join after every (re)connect, resume
 * after a drop, transport tracking, and telling a permanent refusal (stop, status 'failed') from a
 * passing one (keep retrying, status 'reconnecting').
 */
export class Connection {
  private socket: GameSocket | null = null;
  /** Bumped on every connect and disconnect so a late ack from an older connection is ignored. */
  private epoch = 0;
  private everJoined = false;
  /** Another connection of this player flies the avatar; we stay connected but do not join. */
  private standby = false;
  private _leaveToken: string | null = null;
  private readonly transportWatch = new TransportWatch();
  private readonly pinger: Pinger;
  private readonly retry: RetryTimer;
  /** While joined: no snapshot for a while means a dead network; reopen instead of waiting. */
  private readonly silence = new SilenceWatch(() => this.reopen());

  /** Moves to another node since the last successful join (the first goes at once, later ones back off). */
  private moves = 0;
  /** Where the next retry reconnects to (null: any node), when the server said to move. */
  private pendingMove: string | null | undefined = undefined;
  private _joined = false;
  private awaitingWorld: { playerId: string; sector: string; handle: number } | null = null;
  private _status: ConnectionStatus = 'connecting';
  private _lastError: ErrorPayload | null = null;

  constructor(
    private readonly options: GameClientOptions,
    private readonly link: ClientLink,
    private readonly sink: ConnectionSink,
    private readonly events: Emitter<GameClientEvents>,
  ) {
    this.pinger = new Pinger(() => (this.joined ? this.socket : null));
    const defaults = buildManagerOptions(options.transport ?? 'auto', options.socketOptions);
    this.retry = new RetryTimer(defaults.reconnectionDelay ?? 500, defaults.reconnectionDelayMax ?? 3000);
  }

  /** Connected and joined to the sector: inputs may flow. */
  get joined(): boolean {
    return this._joined;
  }
  get status(): ConnectionStatus {
    return this._status;
  }
  get transport(): TransportName | null {
    return this.transportWatch.current;
  }
  get lastError(): ErrorPayload | null {
    return this._lastError;
  }

  get pingMs(): number | null {
    return this.pinger.rttMs;
  }

  get leaveToken(): string | null {
    return this._leaveToken;
  }

  /** Tells the server the player has seen its notifications up to `upTo`. */
  acknowledgeInbox(upTo: number): void {
    if (this.socket?.connected) this.socket.emit('inbox:ack', { upTo });
  }

  /** A game-specific request with its answer; rejects when offline or unanswered in time. */
  request(event: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    const socket = this.socket as Socket | null;
    if (!socket?.connected) return Promise.reject(new Error('not connected'));
    return socket.timeout(timeoutMs).emitWithAck(event, payload);
  }

  /** Leaves standby: join the sector from this connection, taking the avatar over. */
  takeHelm(): void {
    if (!this.standby) return;
    this.standby = false;
    if (this.socket?.connected) this.requestJoin(this.socket);
  }

  connect(): void {
    if (this.status === 'closed') throw new Error('this GameClient was closed; create a new one');
    const request = joinRequestSchema.safeParse({ sector: this.options.sector });
    if (!request.success) {
      // The server would refuse it anyway; say so now instead of after a round trip.
      const issue = request.error.issues[0];
      this.fail({
        code: 'BAD_MESSAGE',
        message: `invalid sector: ${issue?.message ?? 'bad id'}`,
        event: 'join',
      });
      return;
    }
    const socket = this.socket ?? this.createSocket();
    if (socket.active) return;
    this.setStatus(this.everJoined ? 'reconnecting' : 'connecting');
    socket.connect();
  }

  /** Ends the session (telling the server first when we can) and stops reconnecting. */
  close(): void {
    if (this.status === 'closed') return;
    if (this.joined) this.socket?.emit('leave');
    this.shutDown('closed');
  }

  /** Sends one input step; false when not joined (nothing is queued for later). */
  sendInput(input: InputMessage): boolean {
    if (!this.joined || !this.socket?.connected) return false;
    this.socket.emit('i', encodeInput(input));
    return true;
  }

  /**
   * The session could not be had at all (the server refused the session request for good, e.g. a
   * bad name): stop, with that reason.
   */
  refuse(error: ErrorPayload): void {
    if (this.status === 'closed' || this.status === 'failed') return;
    this.fail(error);
  }

  /** A passing problem worth showing (e.g. the session request failed and is being retried). */
  report(error: ErrorPayload): void {
    if (this.status === 'closed' || this.status === 'failed') return;
    this.setError(error);
  }

  private createSocket(): GameSocket {
    // The link's handshake presents the session's access token on every (re)connect, so a
    // reconnect comes back as the same player (and, within the grace, ship).
    const socket: GameSocket = this.link.socket<ServerToClientEvents, ClientToServerEvents>(GAME_NAMESPACE);
    socket.on('connect', () => this.onConnect(socket));
    socket.on('connect_error', (err) => this.onConnectError(socket, err));
    socket.on('disconnect', (reason) => this.onDisconnect(reason));
    socket.on('s', (data: unknown) => {
      if (!this.joined) return;
      this.silence.heard();
      this.sink.snapshot(data);
    });
    socket.on('roster', (raw: unknown) => {
      const change = serverEventSchemas.roster.safeParse(raw);
      if (!change.success || !this.joined) return;
      for (const id of change.data.left) this.sink.playerLeft(id);
      for (const entry of change.data.joined) this.sink.playerJoined(entry);
    });
    socket.on('inbox', (raw: unknown) => {
      const msg = serverEventSchemas.inbox.safeParse(raw);
      if (msg.success) this.sink.inbox(msg.data);
    });
    socket.on('displaced', () => this.enterStandby());
    socket.on('moved', (raw: unknown) => {
      const moved = serverEventSchemas.moved.safeParse(raw);
      if (!moved.success || moved.data.sector !== this.options.sector) return;
      this._joined = false;
      this.epoch++;
      this.pinger.stop();
      this.silence.stop();
      this.setStatus('reconnecting');
      // The sector is saved and about to run again: on another node, or (a node alone, stopping)
      // on this one once it is back. Either way, look often until a connection opens.
      this.link.expectServerBack();
      this.moveTo(moved.data.node);
    });
    socket.on('identity', (raw: unknown) => {
      const identity = serverEventSchemas.identity.safeParse(raw);
      if (!identity.success) return;
      this.sink.identity(identity.data);
    });
    socket.onAny((event: string, payload: unknown) => {
      if (!SDK_EVENTS.has(event)) this.events.emit('message', event, payload);
    });
    socket.on('server:error', (raw: unknown) => {
      const err = serverEventSchemas['server:error'].safeParse(raw);
      if (!err.success) return;
      // An operator removed the player: coming back by ourselves would undo the kick.
      if (err.data.code === 'KICKED') return this.fail(err.data);
      // Restarting: it will be back shortly (within seconds under `pnpm dev`), so look often.
      if (err.data.code === 'SERVER_SHUTTING_DOWN') this.link.expectServerBack();
      // A join the server rejects before its handler runs (validation) gets no ack, only this.
      if (err.data.event === 'join' && !this._joined) this.onJoinResult({ ok: false, error: err.data });
      else this.setError(err.data);
    });
    this.socket = socket;
    return socket;
  }

  private onConnect(socket: GameSocket): void {
    this.transportWatch.connected(socket);
    if (this.standby) {
      this.epoch++;
      this._joined = false;
      this.setStatus('standby');
      return;
    }
    this.requestJoin(socket);
  }

  private requestJoin(socket: GameSocket): void {
    const epoch = ++this.epoch;
    this._joined = false;
    socket.timeout(JOIN_TIMEOUT_MS).emit('join', { sector: this.options.sector }, (err, res) => {
      if (epoch !== this.epoch) return;
      if (err) this.retryLater();
      else this.onJoinResult(res);
    });
  }

  private onJoinResult(raw: unknown): void {
    const parsed = joinResultSchema.safeParse(raw);
    if (!parsed.success) {
      this.fail({ code: 'BAD_MESSAGE', message: 'the server sent a malformed join reply', event: 'join' });
      return;
    }
    const res = parsed.data;
    if (!res.ok && res.error.code === 'SECTOR_ELSEWHERE') {
      // Not an error for the player: the sector runs on another node of the cluster.
      if (res.node) this.moveTo(res.node);
      else this.retryLater();
      return;
    }
    if (!res.ok) {
      if (isPermanentJoinRefusal(res.error.code)) {
        this.fail(res.error);
      } else {
        this.setError(res.error);
        this.retryLater();
      }
      return;
    }
    this._leaveToken = res.leaveToken;
    this.retry.succeeded();
    this.moves = 0;
    this._joined = true;
    this.everJoined = true;
    this.sink.joined(res);
    // 'connected' waits for the first snapshot: a player who is told "connected" sees the world.
    this.awaitingWorld = { playerId: res.playerId, sector: res.sector, handle: res.handle };
    this.pinger.start();
    this.silence.start();
  }

  /**
   * The joined connection went silent: close its transport, which Socket.IO reconnects as after
   * any network loss (the session and the resume grace bring the same player and ship back).
   */
  private reopen(): void {
    if (!this._joined) return;
    const engine = this.socket?.io.engine as (EngineCloser & { close(): void }) | undefined;
    if (!engine) return;
    // What engine.io does itself when its heartbeat times out: drop the connection now. A plain
    // close() first waits for the queued packets to drain, which over a silent long-polling
    // connection (a POST that never returns, inputs queued behind it) is never.
    if (typeof engine._onClose === 'function') engine._onClose('ping timeout');
    else engine.close();
  }

  /** The first snapshot after a join has been decoded: now the player is really in the sector. */
  worldArrived(): void {
    const joined = this.awaitingWorld;
    if (!joined || !this._joined) return;
    this.awaitingWorld = null;
    this.setStatus('connected');
    this.events.emit('joined', joined);
  }

  private enterStandby(): void {
    this.standby = true;
    this.epoch++;
    this._joined = false;
    this.awaitingWorld = null;
    this.pinger.stop();
    this.silence.stop();
    this.setStatus('standby');
  }

  private onConnectError(socket: GameSocket, err: Error & { data?: unknown }): void {
    if (this.status === 'closed' || this.status === 'failed') return;
    const payload = errorPayloadSchema.safeParse(err.data);
    if (payload.success && isPermanentHandshakeRefusal(payload.data.code)) {
      this.fail(payload.data);
      return;
    }
    if (payload.success) this.setError(payload.data);
    this.setStatus('reconnecting');
    // A refusal by the server's middleware stops Socket.IO's own retries; a network error doesn't.
    if (!socket.active) this.retryLater();
  }

  private onDisconnect(reason: Socket.DisconnectReason): void {
    this.epoch++;
    this._joined = false;
    this.transportWatch.disconnected();
    this.pinger.stop();
    this.silence.stop();
    if (this.status === 'closed' || this.status === 'failed') return;
    this.setStatus('reconnecting');
    // Socket.IO reconnects by itself after a network loss, but not when the server closed us
    // (e.g. it is restarting, or the session expired): then we come back ourselves.
    if (reason === 'io server disconnect') this.retryLater();
  }

  /**
   * Reconnects through the load balancer to the node that runs the sector. Two nodes that each
   * point at the other (a lease changing hands) cannot make this spin: only the first move since
   * the last join goes at once.
   */
  private moveTo(node: string | null): void {
    this.pendingMove = node;
    if (this.moves++ === 0) this.recover();
    else this.retry.schedule(() => this.recover());
  }

  /** Drops this connection (if any) and connects again after a growing, jittered delay. */
  private retryLater(): void {
    const socket = this.socket;
    if (!socket) return;
    if (socket.connected) socket.disconnect();
    this.retry.schedule(() => this.recover());
  }

  /**
   * What every retry runs, whichever asked for it (the timer takes one action at a time, so a move
   * and a reconnect asked for while it is pending must both be done by it): the pending move
   * first, then the game socket's reconnect if it was dropped.
   */
  private recover(): void {
    if (this.status === 'closed' || this.status === 'failed') return;
    if (this.pendingMove !== undefined) {
      const node = this.pendingMove;
      this.pendingMove = undefined;
      this.link.routeTo(node);
    }
    const socket = this.socket;
    if (socket && !socket.active) socket.connect();
  }

  /** A permanent refusal: record why, stop every retry, then tell the app. */
  private fail(error: ErrorPayload): void {
    this._lastError = error;
    this.shutDown('failed');
    this.events.emit('error', error);
  }

  private shutDown(status: 'closed' | 'failed'): void {
    this.retry.cancel();
    this.pinger.stop();
    this.silence.stop();
    this._joined = false;
    this.setStatus(status);
    this.socket?.disconnect();
  }

  private setError(error: ErrorPayload): void {
    this._lastError = error;
    this.events.emit('error', error);
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this._status = status;
    this.events.emit('status', status);
  }
}
