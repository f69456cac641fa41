import type { AdminChart } from '@perihelion/protocol';
import type { Registry } from 'prom-client';

/** A metric of GET /metrics the console charts. */
export interface ChartedMetric {
  metric: string;
  label: string;
  kind: 'counter' | 'gauge';
}

/** What the console charts: the error and abuse counters, and the players they come from. */
export const CHARTED_METRICS: readonly ChartedMetric[] = [
  { metric: 'perihelion_players', label: 'Players in sectors', kind: 'gauge' },
  { metric: 'perihelion_refused_messages_total', label: 'Refused messages', kind: 'counter' },
  { metric: 'perihelion_refused_handshakes_total', label: 'Refused connections', kind: 'counter' },
  { metric: 'perihelion_abusive_disconnects_total', label: 'Abusive clients dropped', kind: 'counter' },
];

export interface MetricSamplesOptions {
  registry: Registry;
  metrics?: readonly ChartedMetric[];
  /** Default 5 s. */
  everyMs?: number;
  /** Samples kept per metric (default 120: ten minutes at 5 s). */
  keep?: number;
}

/**
 * A ring of samples of some /metrics series, taken from the same registry GET /metrics reads, so
 * the console can draw the last minutes without a Prometheus server: a counter as its growth in
 * each interval (summed over its labels), a gauge as its value.
 */
export class MetricSamples {
  private readonly metrics: readonly ChartedMetric[];
  private readonly everyMs: number;
  private readonly keep: number;
  private readonly points = new Map<string, number[]>();
  private readonly latest = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: MetricSamplesOptions) {
    this.metrics = opts.metrics ?? CHARTED_METRICS;
    this.everyMs = opts.everyMs ?? 5000;
    this.keep = opts.keep ?? 120;
  }

  /** Takes the first sample now (the baseline of the counters), then one every `everyMs`. */
  async start(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => void this.sample(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  charts(): AdminChart[] {
    return this.metrics.map(({ metric, label, kind }) => ({
      metric,
      label,
      kind,
      everyMs: this.everyMs,
      points: [...(this.points.get(metric) ?? [])],
      now: this.latest.get(metric) ?? 0,
      nodes: 1,
    }));
  }

  private async sample(): Promise<void> {
    for (const { metric, kind } of this.metrics) {
      const value = await this.read(metric);
      if (value === null) continue;
      const before = this.latest.get(metric);
      this.latest.set(metric, value);
      // A counter's first reading is only its baseline: its growth starts with the next one.
      if (kind === 'counter' && before === undefined) continue;
      const ring = this.points.get(metric) ?? [];
      ring.push(kind === 'counter' ? Math.max(0, value - (before ?? 0)) : value);
      if (ring.length > this.keep) ring.splice(0, ring.length - this.keep);
      this.points.set(metric, ring);
    }
  }

  /** The metric's value summed over its labels; null when the registry has no such metric. */
  private async read(name: string): Promise<number | null> {
    const metric = this.opts.registry.getSingleMetric(name);
    if (!metric) return null;
    const { values } = await metric.get();
    return values.reduce((sum, v) => sum + v.value, 0);
  }
}

/**
 * The charts of several nodes as one: each metric's points added up newest to newest (the nodes
 * sample at the same rate, not at the same instants, so a point is the sum of the nodes' samples
 * of about that moment), and the values now. The first list's metrics, in its order.
 */
export function sumCharts(perNode: readonly (readonly AdminChart[])[]): AdminChart[] {
  const [first = [], ...rest] = perNode;
  return first.map((chart) => {
    const same = [chart, ...rest.flatMap((charts) => charts.filter((c) => c.metric === chart.metric))];
    const length = Math.max(...same.map((c) => c.points.length));
    const points = Array.from({ length }, (_, i) =>
      same.reduce((sum, c) => sum + (c.points[c.points.length - length + i] ?? 0), 0),
    );
    return {
      ...chart,
      points,
      now: same.reduce((sum, c) => sum + c.now, 0),
      nodes: same.reduce((sum, c) => sum + c.nodes, 0),
    };
  });
}
