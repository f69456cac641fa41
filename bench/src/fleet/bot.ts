import { GameClient } from '@perihelion/client';
import { defaultContent, shipFromArray, shipToArray, stepShip } from '@perihelion/game';
import { AckClock } from './ack-clock.js';
import type { BotStatus, FleetBot } from './fleet-bot.js';
import type { FleetMeter } from './meter.js';
import { nextButtonChange, randomButtons } from './random-buttons.js';

/**
 * One headless player on the full SDK: a real GameClient over WebSocket, holding random buttons
 * for 0.5–2 s at a time, decoding every snapshot and predicting its own ship like the web client
 * does, reconnecting as the SDK does, and timing every input from the moment the SDK sent it to
 * the first snapshot whose ackSeq covers it.
 */
export class SdkBot implements FleetBot {
  readonly client: GameClient;
  private buttons = 0;
  private nextChangeAt = 0;
  private readonly acks: AckClock;

  constructor(
    url: string,
    sector: string,
    name: string,
    meter: FleetMeter,
    onError: (message: string) => void,
  ) {
    this.acks = new AckClock(meter);
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
    client.on('input', ({ seq }) => this.acks.sent(seq, performance.now()));
    client.on('snapshot', ({ ackSeq, bytes }) => this.acks.snapshot(ackSeq, bytes, performance.now()));
    client.on('status', (status) => {
      if (status === 'reconnecting') meter.disconnected();
    });
    // Inputs sent before a rejoin are never acknowledged on the new connection.
    client.on('joined', () => this.acks.dropPending());
    client.on('error', (err) => {
      meter.serverError();
      onError(`${err.code}: ${err.message}`);
    });
  }

  get status(): BotStatus {
    // Standby (another connection flies this player) is not in the sector: count it with the drops.
    return this.client.status === 'standby' ? 'reconnecting' : this.client.status;
  }

  connect(): void {
    this.client.connect();
  }

  frame(now: number): void {
    if (now >= this.nextChangeAt) {
      this.buttons = randomButtons();
      this.nextChangeAt = nextButtonChange(now);
    }
    this.client.update(now, this.buttons);
  }

  close(): void {
    this.client.close();
  }
}
