import type { GameClientApi } from '@perihelion/client';
import { type Content, structureName } from '@perihelion/game';
import { buildResultSchema, cancelResultSchema } from '@perihelion/protocol';
import { formatClock } from './format-clock.js';
import type { Toasts } from './toasts.js';
import type { UniverseState } from './universe-state.js';

export interface Point {
  x: number;
  y: number;
}

/** A build whose answer is lost is sent this many times in all before the player is told. */
const KEYED_ATTEMPTS = 3;
/** How long a lost answer waits for the connection to come back before it gives up. */
const RECONNECT_WAIT_MS = 30_000;

/**
 * The player's universe commands (build here, cancel the nearest own build), sent as requests the
 * server answers. The server decides; this only reports its answer as a toast. One request at a
 * time, so a nervous key press does not pay for two stations.
 */
export class UniverseCommands {
  private busy = false;

  constructor(
    private readonly client: GameClientApi,
    private readonly universe: UniverseState,
    private readonly toasts: Toasts,
    private readonly content: () => Content,
  ) {}

  build(kind: string, at: Point): void {
    const name = structureName(kind, this.content());
    // The key makes sending it again safe: an answer lost with the connection is asked for again,
    // and the server answers with the build it started rather than starting (and charging) another.
    const request = { kind, x: Math.round(at.x), y: Math.round(at.y), requestId: crypto.randomUUID() };
    this.send('build', request, KEYED_ATTEMPTS, (answer) => {
      const result = buildResultSchema.safeParse(answer);
      if (!result.success) return this.toasts.push(`${name}: the server's answer made no sense`, 'error');
      if (!result.data.ok) return this.toasts.push(result.data.error.message, 'error');
      const { structure } = result.data;
      this.universe.upsertStructure(structure);
      // From when the server started it: our estimate of its clock may run a little behind.
      const left = formatClock(
        structure.completesAt - Math.max(structure.startedAt, this.client.serverNow()),
      );
      this.toasts.push(`${name} under construction · ready in ${left}`, 'info');
    });
  }

  /** Cancels the player's own structure under construction nearest to `at`, for a refund. */
  cancelNearest(at: Point): void {
    const me = this.client.playerId;
    let nearest: { id: string; kind: string; d: number } | null = null;
    for (const s of this.universe.structures) {
      if (s.ownerId !== me || s.state !== 'building') continue;
      const d = Math.hypot(s.x - at.x, s.y - at.y);
      if (!nearest || d < nearest.d) nearest = { id: s.id, kind: s.kind, d };
    }
    if (!nearest) {
      this.toasts.push('You have nothing under construction to cancel', 'error');
      return;
    }
    const name = structureName(nearest.kind, this.content());
    // Not sent again: a second cancel of a cancelled build is refused, which would read as failure.
    this.send('cancel', { id: nearest.id }, 1, (answer) => {
      const result = cancelResultSchema.safeParse(answer);
      if (!result.success) return this.toasts.push(`${name}: the server's answer made no sense`, 'error');
      if (!result.data.ok) return this.toasts.push(result.data.error.message, 'error');
      const { ore, credits } = result.data.refund;
      const refund = [`${ore} ore`, ...(credits > 0 ? [`${credits} credits`] : [])].join(' and ');
      this.toasts.push(`${name} cancelled · refunded ${refund}`, 'info');
    });
  }

  private send(event: string, payload: unknown, attempts: number, answered: (answer: unknown) => void): void {
    if (this.busy) return;
    const { status } = this.client;
    if (status !== 'connected') {
      const why =
        status === 'standby'
          ? 'You are flying in another tab: press H to fly here'
          : 'Not connected: try again in a moment';
      this.toasts.push(why, 'error');
      return;
    }
    this.busy = true;
    this.ask(event, payload, attempts)
      .then(answered, () => this.toasts.push('No answer from the server: try again', 'error'))
      .finally(() => {
        this.busy = false;
      });
  }

  /** The server's answer, asking again (once connected) when one is lost, up to `attempts` times. */
  private async ask(event: string, payload: unknown, attempts: number): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.request(event, payload);
      } catch (err) {
        if (attempt >= attempts) throw err;
        await this.connected();
      }
    }
  }

  /** Resolves once the client is connected (at once if it is); rejects if it is not within a while. */
  private connected(): Promise<void> {
    if (this.client.status === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error('not connected again'));
      }, RECONNECT_WAIT_MS);
      const off = this.client.on('status', (status) => {
        if (status !== 'connected') return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }
}
