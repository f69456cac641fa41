import { GameClient } from '@perihelion/client';
import { Button, defaultContent, shipFromArray, shipToArray, stepShip } from '@perihelion/game';
import type { FleetMeter } from './meter.js';

/** Held buttons last this long before the bot picks new ones. */
const MIN_HOLD_MS = 500;
const MAX_HOLD_MS = 2000;

function randomButtons(): number {
  let b = 0;
  if (Math.random() < 0.7) b |= Button.Thrust;
  const turn = Math.random();
  if (turn < 0.3) b |= Button.Left;
  else if (turn < 0.6) b |= Button.Right;
  if (Math.random() < 0.1) b |= Button.Brake;
  return b;
}

/**
 * One headless player: a real SDK GameClient over WebSocket, holding random buttons for 0.5–2 s
 * at a time, predicting its own ship like the web client does, and timing every input from the
 * moment the SDK sent it to the first snapshot whose ackSeq covers it.
 */
export class Bot {
  readonly client: GameClient;
  private buttons = 0;
  private nextChangeAt = 0;
  /** Sent, not yet acknowledged inputs in send order: parallel arrays with a moving head. */
  private pendingSeq: number[] = [];
  private pendingAt: number[] = [];
  private head = 0;

  constructor(
    url: string,
    sector: string,
    name: string,
    private readonly meter: FleetMeter,
  ) {
    const client: GameClient = new GameClient({
      url,
      sector,
      name,
      transport: 'websocket',
      predict: (own, buttons) => {
        const ship = shipFromArray(own);
        return ship ? shipToArray(stepShip(ship, buttons, 1 / client.tickRate, defaultContent)) : [...own];
      },
    });
    this.client = client;
    client.on('input', ({ seq }) => {
      const now = performance.now();
      this.pendingSeq.push(seq);
      this.pendingAt.push(now);
      meter.inputSent(now);
    });
    client.on('snapshot', ({ ackSeq, bytes }) => this.onSnapshot(ackSeq, bytes));
    client.on('status', (status) => {
      if (status === 'reconnecting') meter.disconnected();
    });
    // Inputs sent before a rejoin are never acknowledged on the new connection.
    client.on('joined', () => this.dropPending());
    client.on('error', () => meter.serverError());
  }

  get status(): GameClient['status'] {
    return this.client.status;
  }

  connect(): void {
    this.client.connect();
  }

  /** Called from the fleet's frame timer (about 60 Hz); the SDK sends inputs at the tick rate. */
  frame(now: number): void {
    if (now >= this.nextChangeAt) {
      this.buttons = randomButtons();
      this.nextChangeAt = now + MIN_HOLD_MS + Math.random() * (MAX_HOLD_MS - MIN_HOLD_MS);
    }
    this.client.update(now, this.buttons);
  }

  close(): void {
    this.client.close();
  }

  private onSnapshot(ackSeq: number, bytes: number): void {
    const now = performance.now();
    while (this.head < this.pendingSeq.length && this.pendingSeq[this.head]! <= ackSeq) {
      this.meter.acknowledged(this.pendingAt[this.head]!, now);
      this.head++;
    }
    this.meter.snapshot(bytes, this.pendingSeq.length - this.head);
    if (this.head > 256 && this.head * 2 > this.pendingSeq.length) this.compact();
  }

  private dropPending(): void {
    for (let i = this.head; i < this.pendingAt.length; i++) this.meter.lost(this.pendingAt[i]!);
    this.pendingSeq = [];
    this.pendingAt = [];
    this.head = 0;
  }

  private compact(): void {
    this.pendingSeq = this.pendingSeq.slice(this.head);
    this.pendingAt = this.pendingAt.slice(this.head);
    this.head = 0;
  }
}
