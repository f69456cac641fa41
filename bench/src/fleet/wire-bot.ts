import type { Agent } from 'node:http';
import {
  CHAT_NAMESPACE,
  encodeInput,
  GAME_NAMESPACE,
  joinResultSchema,
  PROTOCOL_VERSION,
  perihelionParser,
  readSnapshotHeader,
  SESSION_PATH,
  serverEventSchemas,
} from '@perihelion/protocol';
import { Manager, type Socket } from 'socket.io-client';
import { requestJson } from '../http-json.js';
import { AckClock } from './ack-clock.js';
import type { BotStatus, FleetBot } from './fleet-bot.js';
import type { FleetMeter } from './meter.js';
import { nextButtonChange, randomButtons } from './random-buttons.js';

const JOIN_TIMEOUT_MS = 10_000;
/** As the SDK's Pinger: a `ping` with an acknowledgement every 2 s while joined. */
const PING_INTERVAL_MS = 2000;
/** As the SDK's FixedStepper: a stalled bot drops its backlog instead of bursting it. */
const MAX_STEPS_PER_FRAME = 5;
/** As the SDK's reconnection delays (0.5 s doubling to 3 s, with jitter), for the first join only. */
const RETRY_DELAY_MS = 500;
const RETRY_DELAY_MAX_MS = 3000;
const MAX_CONNECT_ATTEMPTS = 8;

/**
 * A load-generating player that puts the same work on the server as the SDK's GameClient (a
 * session over HTTP; one Socket.IO connection with `/game` and `/chat`; `join`; one binary input
 * per tick acknowledging the newest snapshot; a ping every 2 s; every channel of the chat
 * directory subscribed), while doing as little as possible itself: it reads only each snapshot's
 * header (id, tick, ackSeq), never decodes the world and predicts nothing. That keeps 1,000
 * bots within one core, where SDK bots (which decode ~200 entities 20 times a second each) take a
 * core per ~300. Until it has joined it retries as the SDK does (a server saturated by the join
 * ramp may not answer a handshake in time); once joined it does not reconnect: a drop is counted
 * and the bot stays out.
 */
export class WireBot implements FleetBot {
  private _status: BotStatus = 'connecting';
  private manager: Manager | null = null;
  private game: Socket | null = null;
  private chat: Socket | null = null;
  private joined = false;
  private tickMs = 1000 / 30;
  private nextStepAt: number | null = null;
  private seq = 0;
  private newestSnapshotId = 0;
  private buttons = 0;
  private nextChangeAt = 0;
  private pinger: ReturnType<typeof setInterval> | null = null;
  private readonly subscribed = new Set<string>();
  private readonly acks: AckClock;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly url: string,
    private readonly sector: string,
    private readonly name: string,
    private readonly agent: Agent,
    private readonly meter: FleetMeter,
    private readonly onError: (message: string) => void,
  ) {
    this.acks = new AckClock(meter);
  }

  get status(): BotStatus {
    return this._status;
  }

  connect(): void {
    this.attempts++;
    this.open().catch((err: unknown) => this.fail(err instanceof Error ? err.message : String(err)));
  }

  frame(now: number): void {
    if (!this.joined || !this.game) return;
    if (now >= this.nextChangeAt) {
      this.buttons = randomButtons();
      this.nextChangeAt = nextButtonChange(now);
    }
    if (this.nextStepAt === null) this.nextStepAt = now + this.tickMs;
    let steps = 0;
    while (now >= this.nextStepAt && steps < MAX_STEPS_PER_FRAME) {
      this.seq++;
      this.game.emit('i', encodeInput([this.seq, this.buttons, this.newestSnapshotId]));
      this.acks.sent(this.seq, now);
      this.nextStepAt += this.tickMs;
      steps++;
    }
    if (now >= this.nextStepAt) this.nextStepAt = now + this.tickMs;
  }

  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this._status === 'closed') return;
    if (this.joined) this.game?.emit('leave');
    this.stop('closed');
  }

  private async open(): Promise<void> {
    const res = await requestJson(
      'POST',
      `${this.url}${SESSION_PATH}`,
      { name: this.name },
      { agent: this.agent },
    );
    const accessToken = (res.body as { accessToken?: unknown } | null)?.accessToken;
    if (res.status !== 200 || typeof accessToken !== 'string')
      throw new Error(`session answered ${res.status}`);
    if (this._status === 'closed') return;
    const auth = { protocol: PROTOCOL_VERSION, accessToken };
    const manager = new Manager(this.url, {
      autoConnect: false,
      reconnection: false,
      transports: ['websocket'],
      parser: perihelionParser,
    });
    this.manager = manager;
    const game = manager.socket(GAME_NAMESPACE, { auth });
    const chat = manager.socket(CHAT_NAMESPACE, { auth });
    this.game = game;
    this.chat = chat;
    game.on('connect', () => this.join(game));
    // Events of an attempt given up (a retry has replaced it) are ignored.
    game.on('connect_error', (err) => {
      if (this.game === game) this.fail(`connect: ${err.message}`);
    });
    game.on('disconnect', (reason) => {
      if (this.game === game && this._status !== 'closed') this.fail(`dropped: ${reason}`);
    });
    game.on('s', (data: unknown) => this.onSnapshot(data));
    game.on('server:error', (raw: unknown) => {
      const err = serverEventSchemas['server:error'].safeParse(raw);
      this.meter.serverError();
      if (err.success) this.onError(`${err.data.code}: ${err.data.message}`);
    });
    chat.on('channels', (raw: { channels?: { name: string }[] }) => {
      for (const { name } of raw.channels ?? []) this.subscribe(chat, name);
    });
    game.connect();
    chat.connect();
  }

  private join(game: Socket): void {
    game.timeout(JOIN_TIMEOUT_MS).emit('join', { sector: this.sector }, (err: Error | null, raw: unknown) => {
      if (this.game !== game) return;
      if (err) return this.fail('join: no answer');
      const res = joinResultSchema.safeParse(raw);
      if (!res.success) return this.fail('join: malformed answer');
      if (!res.data.ok) return this.fail(`join refused: ${res.data.error.code}`);
      this.tickMs = 1000 / res.data.tickRate;
      this.seq = Math.max(this.seq, res.data.lastInputSeq);
      this.joined = true;
      this.pinger = setInterval(() => game.emit('ping', performance.now(), () => {}), PING_INTERVAL_MS);
    });
  }

  private subscribe(chat: Socket, channel: string): void {
    if (this.subscribed.has(channel)) return;
    this.subscribed.add(channel);
    chat.timeout(JOIN_TIMEOUT_MS).emit('channel:subscribe', { channel }, () => {});
  }

  private onSnapshot(data: unknown): void {
    if (!this.joined || !(data instanceof Uint8Array)) return;
    const header = readSnapshotHeader(data);
    if (header.id > this.newestSnapshotId) this.newestSnapshotId = header.id;
    // As the SDK: "connected" once the first snapshot after the join has arrived.
    if (this._status === 'connecting') this._status = 'connected';
    this.acks.snapshot(header.ackSeq, data.length, performance.now());
  }

  private fail(reason: string): void {
    if (this._status === 'closed' || this._status === 'failed') return;
    if (this._status === 'connected') this.meter.disconnected();
    this.acks.dropPending();
    if (this._status === 'connecting' && !this.joined && this.attempts < MAX_CONNECT_ATTEMPTS) {
      this.onError(`${reason} (attempt ${this.attempts}, retrying)`);
      this.stop('connecting');
      const delay = Math.min(RETRY_DELAY_MAX_MS, RETRY_DELAY_MS * 2 ** (this.attempts - 1));
      this.retryTimer = setTimeout(() => this.connect(), delay * (0.5 + Math.random()));
      return;
    }
    this.onError(reason);
    this.stop('failed');
  }

  private stop(status: BotStatus): void {
    this._status = status;
    this.joined = false;
    if (this.pinger) clearInterval(this.pinger);
    this.pinger = null;
    const { chat, game, manager } = this;
    this.chat = null;
    this.game = null;
    this.manager = null;
    chat?.disconnect();
    game?.disconnect();
    manager?.engine?.close();
  }
}
