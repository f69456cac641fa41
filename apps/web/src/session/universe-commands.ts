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
    this.send('build', { kind, x: Math.round(at.x), y: Math.round(at.y) }, (answer) => {
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
    this.send('cancel', { id: nearest.id }, (answer) => {
      const result = cancelResultSchema.safeParse(answer);
      if (!result.success) return this.toasts.push(`${name}: the server's answer made no sense`, 'error');
      if (!result.data.ok) return this.toasts.push(result.data.error.message, 'error');
      const { ore, credits } = result.data.refund;
      const refund = [`${ore} ore`, ...(credits > 0 ? [`${credits} credits`] : [])].join(' and ');
      this.toasts.push(`${name} cancelled · refunded ${refund}`, 'info');
    });
  }

  private send(event: string, payload: unknown, answered: (answer: unknown) => void): void {
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
    this.client
      .request(event, payload)
      .then(answered, () => this.toasts.push('No answer from the server: try again', 'error'))
      .finally(() => {
        this.busy = false;
      });
  }
}
