import type { AdminChart } from '@perihelion/protocol';
import { el } from '../game/hud/dom.js';
import { text } from './keyed-rows.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 180;
const HEIGHT = 40;

/**
 * One /metrics series as a small SVG line over the last minutes (no chart library: a polyline is
 * all it takes), with its label, the latest interval and the total. A counter's points are its
 * growth per interval, so a burst of errors is a spike, not a slope.
 */
export class Sparkline {
  readonly root = el('figure', 'admin-spark');
  private readonly caption = el('figcaption', 'admin-spark-caption');
  private readonly label = el('span', 'admin-spark-label');
  private readonly figure = el('span', 'admin-spark-value');
  private readonly line = document.createElementNS(SVG, 'polyline');
  private readonly svg = document.createElementNS(SVG, 'svg');

  constructor(metric: string) {
    this.root.dataset.testid = `admin-chart-${metric}`;
    this.svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
    this.svg.setAttribute('width', String(WIDTH));
    this.svg.setAttribute('height', String(HEIGHT));
    this.svg.setAttribute('aria-hidden', 'true');
    this.line.setAttribute('fill', 'none');
    this.line.setAttribute('stroke-width', '1.5');
    this.line.setAttribute('stroke-linejoin', 'round');
    this.svg.append(this.line);
    this.caption.append(this.label, this.figure);
    this.root.append(this.caption, this.svg);
  }

  update(chart: AdminChart): void {
    const seconds = Math.round((chart.points.length * chart.everyMs) / 1000);
    const span = seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
    const across = chart.nodes > 1 ? ` · ${chart.nodes} nodes` : '';
    text(this.label, `${chart.label} · last ${span}${across}`);
    const latest = chart.points.at(-1) ?? 0;
    text(
      this.figure,
      chart.kind === 'counter'
        ? `+${latest} / ${chart.everyMs / 1000} s · ${chart.now} in all`
        : `${chart.now}`,
    );
    this.root.dataset.active = String(chart.kind === 'counter' && latest > 0);
    const max = Math.max(1, ...chart.points);
    const step = chart.points.length > 1 ? WIDTH / (chart.points.length - 1) : WIDTH;
    const points = chart.points.map(
      (v, i) => `${(i * step).toFixed(1)},${(HEIGHT - 2 - (v / max) * (HEIGHT - 4)).toFixed(1)}`,
    );
    this.line.setAttribute('points', points.join(' '));
  }
}
