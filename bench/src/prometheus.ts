/** One sample line of the Prometheus text format: `name{label="v",…} value`. */
export interface PromSample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the Prometheus text exposition format (what prom-client serves on /metrics). */
export function parsePrometheusText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    samples.push({ name: m[1]!, labels, value: parseValue(m[3]!) });
  }
  return samples;
}

function parseValue(s: string): number {
  if (s === '+Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(s);
}

/** A scrape, with lookups by metric name and (a subset of) labels. */
export class MetricSet {
  private readonly byName = new Map<string, PromSample[]>();

  constructor(
    samples: readonly PromSample[],
    /** performance.now() when the scrape completed. */
    readonly at: number,
  ) {
    for (const s of samples) {
      let list = this.byName.get(s.name);
      if (!list) {
        list = [];
        this.byName.set(s.name, list);
      }
      list.push(s);
    }
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  samples(name: string): readonly PromSample[] {
    return this.byName.get(name) ?? [];
  }

  /** The first sample of `name` whose labels include `labels`; NaN when there is none. */
  value(name: string, labels: Readonly<Record<string, string>> = {}): number {
    const found = this.samples(name).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    return found ? found.value : Number.NaN;
  }

  /** Sum over every sample of `name` (e.g. a counter split by a label). */
  sum(name: string): number {
    return this.samples(name).reduce((acc, s) => acc + s.value, 0);
  }
}

export async function scrape(url: string): Promise<MetricSet> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  const text = await res.text();
  return new MetricSet(parsePrometheusText(text), performance.now());
}

/**
 * The q-quantile of a Prometheus histogram's observations between two scrapes, from the deltas
 * of its cumulative `_bucket` series, interpolating linearly inside the bucket (as PromQL's
 * histogram_quantile does). NaN when the metric is not a histogram or nothing was observed.
 */
export function histogramQuantile(name: string, begin: MetricSet, end: MetricSet, q: number): number {
  // Summed over any other labels, per upper bound `le`.
  const cumulative = (m: MetricSet) => {
    const byLe = new Map<number, number>();
    for (const s of m.samples(`${name}_bucket`)) {
      const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
      byLe.set(le, (byLe.get(le) ?? 0) + s.value);
    }
    return byLe;
  };
  const before = cumulative(begin);
  const buckets = [...cumulative(end)]
    .map(([le, count]) => ({ le, count: count - (before.get(le) ?? 0) }))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (buckets.length === 0 || total <= 0) return Number.NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      // The top bucket has no upper bound: report its lower edge, as PromQL does.
      if (!Number.isFinite(b.le)) return prevLe;
      const inBucket = b.count - prevCount;
      return inBucket > 0 ? prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket : b.le;
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}
