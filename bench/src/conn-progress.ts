import type { LiveLine } from './live-line.js';
import { type RateCurve, sparkline } from './rate-curve.js';
import type { FleetTotals } from './tab-fleet.js';

const CURVE_WIDTH = 30;

function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * The live line of an idle / fan-out run: which server, the phase and its clock, the connections,
 * and while connecting the connections/s now with a sparkline of the last 30 s (the ramp's curve).
 */
export class ConnProgress {
  private phaseName = 'starting';
  private phaseSeconds: number | null = null;
  private phaseStart = performance.now();
  private extra: (() => string) | null = null;
  private totals: FleetTotals | null = null;
  private curve: RateCurve | null = null;

  constructor(
    private readonly line: LiveLine,
    /** e.g. "idle [1/2] perihelion". */
    private readonly label: string,
    private readonly clients: number,
  ) {}

  phase(name: string, seconds: number | null = null, extra: (() => string) | null = null): void {
    this.phaseName = name;
    this.phaseSeconds = seconds;
    this.phaseStart = performance.now();
    this.extra = extra;
    this.line.show(`${this.label}:${name}`, () => this.describe());
  }

  /** Connecting: the curve the totals feed. */
  connecting(curve: RateCurve): void {
    this.curve = curve;
  }

  fleet(totals: FleetTotals): void {
    this.totals = totals;
  }

  log(message: string): void {
    this.line.log(message);
  }

  private describe(): string {
    const elapsed = (performance.now() - this.phaseStart) / 1000;
    const time =
      this.phaseSeconds !== null
        ? `${elapsed.toFixed(1)}/${this.phaseSeconds} s (${Math.max(0, this.phaseSeconds - elapsed).toFixed(0)} s left)`
        : `${elapsed.toFixed(1)} s`;
    const parts = [`${this.label}: ${this.phaseName} ${time}`];
    const t = this.totals;
    if (t) {
      parts.push(`${int(t.connected)}/${int(this.clients)} connected`);
      if (this.phaseName === 'connecting' && this.curve) {
        parts.push(`${int(this.curve.rateNow)}/s ${sparkline(this.curve.perSecond(), CURVE_WIDTH)}`);
      }
      if (t.failed > 0) parts.push(`failed ${int(t.failed)}`);
      if (t.dropped > 0) parts.push(`dropped ${int(t.dropped)}`);
    }
    if (this.extra) parts.push(this.extra());
    return parts.join(' | ');
  }
}
