import { type ConnectionStatus, GameClient } from '@perihelion/client';
import { Button, defaultContent, shipFromArray, shipToArray, stepShip } from '@perihelion/game';

const predict = (own: readonly number[], buttons: number): number[] => {
  const ship = shipFromArray(own);
  return ship ? shipToArray(stepShip(ship, buttons, 1 / 30, defaultContent)) : [...own];
};

/** Below this speed (units/s) a ship counts as at rest: it drifts well under a unit in ten seconds. */
const AT_REST = 0.02;

/**
 * A player in Node for watching restarts (the dev runner's test, measure-restart.ts): it flies a
 * little, brakes to a stop, and notes every change of its connection's status with the time, so
 * one can see when a restart took it away and brought it back, and where its ship then was.
 */
export class ProbePilot {
  readonly client: GameClient;
  /** Every status change, with performance.now() when it happened. */
  readonly statuses: { status: ConnectionStatus; at: number }[] = [];
  private buttons = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(url: string, sector: string, socketOptions?: Record<string, unknown>) {
    this.client = new GameClient({
      url,
      sector,
      name: 'Probe',
      predict,
      ...(socketOptions ? { socketOptions } : {}),
    });
    this.client.on('status', (status) => this.statuses.push({ status, at: performance.now() }));
    // Like a page: one update per frame with the buttons held.
    this.timer = setInterval(() => this.client.update(performance.now(), this.buttons), 1000 / 60);
    this.client.connect();
  }

  get connected(): boolean {
    return this.client.status === 'connected';
  }

  /** The own ship as the server last said ([x, y, vx, vy, angle]), or null while not joined. */
  ship(): readonly number[] | null {
    return this.connected ? this.client.ownRenderState(performance.now()) : null;
  }

  /** Thrusts for `thrustMs`, then brakes until the ship is at rest; returns where it stopped. */
  async flyAndStop(thrustMs = 600, guardMs = 30_000): Promise<[number, number]> {
    this.buttons = Button.Thrust;
    await sleep(thrustMs);
    this.buttons = Button.Brake;
    const deadline = performance.now() + guardMs;
    for (;;) {
      const ship = this.ship();
      if (ship && Math.hypot(ship[2] ?? 0, ship[3] ?? 0) < AT_REST) break;
      if (performance.now() > deadline) throw new Error('the ship did not come to rest');
      await sleep(100);
    }
    this.buttons = 0;
    const ship = this.ship();
    return [ship?.[0] ?? Number.NaN, ship?.[1] ?? Number.NaN];
  }

  close(): void {
    clearInterval(this.timer);
    this.client.close();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
