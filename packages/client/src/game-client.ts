import {
  asBytes,
  CHAT_NAMESPACE,
  type ChatClientToServerEvents,
  type ChatServerToClientEvents,
  type ErrorPayload,
  type JoinAccepted,
  LEAVE_BEACON_PATH,
  type RosterEntry,
} from '@perihelion/protocol';
import type {
  ConnectionStatus,
  GameClientApi,
  GameClientEvents,
  GameClientOptions,
  RenderEntity,
  TransportName,
} from './api.js';
import { BaselineStore } from './baseline-store.js';
import { ChatClient } from './chat/chat-client.js';
import { ClientLink } from './client-link.js';
import { Connection, type ConnectionSink } from './connection.js';
import { Emitter } from './emitter.js';
import { FixedStepper } from './fixed-stepper.js';
import { InboxReader } from './inbox-reader.js';
import { InterpolationBuffer } from './interpolation-buffer.js';
import { Predictor } from './predictor.js';
import { ServerClock } from './server-clock.js';
import { SessionAuth } from './session-auth.js';

/** Until a join says otherwise. */
const DEFAULT_TICK_RATE = 30;

/**
 * The game-agnostic SDK: one player in one sector. SessionAuth holds the player's signed session
 * (refreshed before it expires), the ClientLink is the one connection every namespace shares, the
 * Connection keeps the game namespace alive on it (resuming the same player after a drop); this
 * class turns what flows over it into game state: one input
 * per fixed step, prediction and reconciliation of the player's own entity, and a snapshot buffer
 * so everything else is drawn smoothly a little in the past.
 *
 * Works in browsers and in Node (headless bots). Every `nowMs` is on the performance.now() clock
 * (requestAnimationFrame and Phaser frame times are); snapshot arrival is timed on it too.
 */
export class GameClient implements GameClientApi {
  /** The one connection to the server; other namespaces (e.g. chat) open sockets on it. */
  readonly link: ClientLink;
  /** The player's session (profile token, access token, refresh). */
  readonly auth: SessionAuth;
  /** Channels (chat, direct messages, announcements) on the same connection as the game. */
  readonly chat: ChatClient;
  private readonly ownsAuth: boolean;
  private readonly events = new Emitter<GameClientEvents>();
  private readonly connection: Connection;
  private readonly baselines = new BaselineStore();
  private readonly predictor: Predictor;
  private readonly stepper = new FixedStepper(1000 / DEFAULT_TICK_RATE);
  private readonly interpolationDelayMs: number;
  private buffer: InterpolationBuffer;
  private clock: ServerClock;
  private inputSeq = 0;
  private readonly inbox: InboxReader;
  /** Server wall clock minus ours, learnt at each join. */
  private serverClockOffsetMs = 0;

  private _playerId: string | null = null;
  private _sector: string | null = null;
  private _handle: number | null = null;
  private _serverTick = 0;
  private _tickRate = DEFAULT_TICK_RATE;
  private readonly _roster = new Map<string, RosterEntry>();

  constructor(private readonly options: GameClientOptions) {
    this.interpolationDelayMs = options.interpolationDelayMs ?? 100;
    this.predictor = new Predictor(options.predict ? { predict: options.predict } : {});
    this.buffer = this.createBuffer(1000 / DEFAULT_TICK_RATE);
    this.clock = new ServerClock({ tickMs: 1000 / DEFAULT_TICK_RATE });
    const sink: ConnectionSink = {
      joined: (res) => this.onJoined(res),
      snapshot: (data) => this.onSnapshot(data),
      playerJoined: (entry) => {
        this._roster.set(entry.id, entry);
        this.events.emit('playerJoined', entry);
      },
      playerLeft: (id) => {
        this._roster.delete(id);
        this.events.emit('playerLeft', id);
      },
      inbox: (message) => this.inbox.receive(message),
      identity: (identity) => {
        this.events.emit('identity', { ...identity, token: this.auth.profileToken ?? '' });
        this.inbox.setPlayer(identity.playerId);
      },
    };
    this.ownsAuth = options.session === undefined;
    this.auth =
      options.session ??
      new SessionAuth({
        url: options.url,
        ...(options.token !== undefined ? { profileToken: options.token } : {}),
        ...(options.name !== undefined ? { name: options.name } : {}),
        ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
      });
    this.link = new ClientLink({
      url: options.url,
      auth: this.auth,
      ...(options.transport !== undefined ? { transport: options.transport } : {}),
      ...(options.socketOptions !== undefined ? { socketOptions: options.socketOptions } : {}),
    });
    this.connection = new Connection(options, this.link, sink, this.events);
    this.chat = new ChatClient(
      this.link.socket<ChatServerToClientEvents, ChatClientToServerEvents>(CHAT_NAMESPACE),
      {
        self: () => this.auth.session?.playerId ?? this._playerId,
      },
    );
    // A session that cannot be had at all (e.g. the server refuses the name) ends the attempts;
    // a passing failure (the store is down) is reported while SessionAuth retries.
    this.auth.on('error', (error, permanent) => {
      if (permanent) this.connection.refuse(error);
      else this.connection.report(error);
    });
    // A kick ends the game connection for good (status 'failed'); the chat must not open the
    // connection the server closed again by itself either.
    this.events.on('error', (error) => {
      if (error.code !== 'KICKED') return;
      this.chat.close();
      this.link.close();
    });
    this.inbox = new InboxReader(
      options.inboxCursor,
      (message) => this.events.emit('notification', message),
      (upTo) => this.connection.acknowledgeInbox(upTo),
    );
  }

  get status(): ConnectionStatus {
    return this.connection.status;
  }
  get transport(): TransportName | null {
    return this.connection.transport;
  }
  get node(): string | null {
    return this.connection.joined || this.status === 'connected' ? this.link.node : null;
  }
  get playerId(): string | null {
    return this._playerId;
  }
  get sector(): string | null {
    return this._sector;
  }
  get handle(): number | null {
    return this._handle;
  }
  get serverTick(): number {
    return this._serverTick;
  }
  get pingMs(): number | null {
    return this.connection.pingMs;
  }
  get lastError(): ErrorPayload | null {
    return this.connection.lastError;
  }
  get roster(): ReadonlyMap<string, RosterEntry> {
    return this._roster;
  }
  get tickRate(): number {
    return this._tickRate;
  }
  get token(): string | null {
    return this.auth.profileToken;
  }

  serverNow(): number {
    return Date.now() + this.serverClockOffsetMs;
  }

  request(event: string, payload: unknown, timeoutMs = 10_000): Promise<unknown> {
    return this.connection.request(event, payload, timeoutMs);
  }

  takeHelm(): void {
    this.connection.takeHelm();
  }
  get lastInputSeq(): number {
    return this.inputSeq;
  }
  /**
   * Call when the rules `predict` applies have changed (the server's content was tuned): inputs
   * the server has not acknowledged yet are predicted again with the new rules, as the server
   * will simulate them, so no correction follows.
   */
  rulesChanged(): void {
    this.predictor.replayWithNewRules(globalThis.performance.now());
  }

  /**
   * How often the server's state was reconciled against the prediction and how often they
   * disagreed (each disagreement is a smoothed visual correction). Zero corrections on a healthy
   * connection is the point of deterministic prediction.
   */
  get predictionStats(): { readonly reconciliations: number; readonly corrections: number } {
    return this.predictor.stats;
  }

  get lastSnapshotId(): number {
    return this.baselines.newestId;
  }

  on<E extends keyof GameClientEvents>(event: E, listener: GameClientEvents[E]): () => void {
    return this.events.on(event, listener);
  }

  connect(): void {
    this.connection.connect();
    this.chat.connect();
  }

  close(): void {
    this.chat.close();
    this.connection.close();
    this.link.close();
    if (this.ownsAuth) this.auth.close();
  }

  closeOnUnload(): void {
    const token = this.connection.leaveToken;
    // Typed structurally: the SDK also runs in Node (bots, tests), where there is no navigator.
    const nav = (globalThis as { navigator?: { sendBeacon?: (url: string, data: string) => boolean } })
      .navigator;
    if (token && typeof nav?.sendBeacon === 'function') {
      try {
        // A plain string goes as text/plain, which needs no CORS preflight (a beacon cannot do one).
        nav.sendBeacon(`${this.options.url}${LEAVE_BEACON_PATH}`, JSON.stringify({ token }));
      } catch {
        // The `leave` message sent by close() is then the only signal; the server still times out.
      }
    }
    this.close();
  }

  update(nowMs: number, buttons: number): void {
    if (!this.connection.joined) {
      // Nothing can be sent: do not bank time that would come out later as a burst of inputs.
      this.stepper.reset();
      return;
    }
    const steps = this.stepper.advance(nowMs);
    const bits = buttons & 0xffff;
    for (let i = 0; i < steps; i++) {
      const seq = this.inputSeq + 1;
      if (!this.connection.sendInput([seq, bits, this.baselines.newestId])) return;
      this.inputSeq = seq;
      this.predictor.step(seq, bits);
      this.events.emit('input', { seq, buttons: bits });
    }
  }

  ownRenderState(nowMs: number): readonly number[] | null {
    return this.predictor.renderState(this.stepper.alpha(nowMs), nowMs);
  }

  sampleEntities(nowMs: number): RenderEntity[] {
    if (!this.clock.ready) return this.buffer.sample(Number.NEGATIVE_INFINITY, this._handle);
    const renderTick = this.clock.estimatedTick(nowMs) - this.interpolationDelayMs / (1000 / this._tickRate);
    return this.buffer.sample(renderTick, this._handle);
  }

  estimatedServerTick(nowMs: number): number {
    return this.clock.estimatedTick(nowMs);
  }

  private createBuffer(tickMs: number): InterpolationBuffer {
    return new InterpolationBuffer({
      maxExtrapolationTicks: (this.options.maxExtrapolationMs ?? 100) / tickMs,
    });
  }

  /** Every join (first or after a reconnect) starts the per-join state over from the server's. */
  private onJoined(res: JoinAccepted): void {
    this.serverClockOffsetMs = res.serverTime - Date.now();
    this._playerId = res.playerId;
    this._sector = res.sector;
    this._handle = res.handle;
    this._tickRate = res.tickRate;
    this._roster.clear();
    for (const entry of res.roster) this._roster.set(entry.id, entry);
    // Inputs the server never applied are gone; numbering continues past both sides' last seq.
    this.inputSeq = Math.max(this.inputSeq, res.lastInputSeq);
    // Snapshot ids and ticks start over with every join (the server may even have restarted).
    const tickMs = 1000 / res.tickRate;
    this.baselines.reset();
    this.buffer = this.createBuffer(tickMs);
    this.clock = new ServerClock({ tickMs });
    this.predictor.reset(res.own, globalThis.performance.now());
    this.stepper.reset(tickMs);
  }

  private onSnapshot(data: unknown): void {
    if (!(data instanceof ArrayBuffer || ArrayBuffer.isView(data))) return;
    const bytes = asBytes(data);
    const frame = this.baselines.decode(bytes);
    if (!frame) return;
    const arrival = globalThis.performance.now();
    this._serverTick = frame.tick;
    this.clock.sample(arrival, frame.tick);
    this.buffer.push(frame.tick, frame.entities);
    if (frame.own) this.predictor.reconcile(frame.own, frame.ackSeq, arrival);
    this.connection.worldArrived();
    this.events.emit('snapshot', {
      id: frame.id,
      tick: frame.tick,
      ackSeq: frame.ackSeq,
      bytes: bytes.length,
    });
  }
}
