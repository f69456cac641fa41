import type { AdminChart } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { sumCharts } from './metric-samples.js';

const chart = (metric: string, points: number[], now: number): AdminChart => ({
  metric,
  label: metric,
  kind: 'counter',
  everyMs: 5000,
  points,
  now,
  nodes: 1,
});

describe('sumCharts', () => {
  it("adds the nodes' charts up newest to newest, their values now, and counts the nodes", () => {
    const a = [chart('refused', [1, 2, 3], 10), chart('players', [4, 4], 4)];
    // A node that started later has fewer samples; one that charts another metric adds nothing to these.
    const b = [chart('players', [1], 1), chart('refused', [5, 0], 7), chart('other', [9], 9)];
    expect(sumCharts([a, b])).toEqual([
      { ...chart('refused', [1, 7, 3], 17), nodes: 2 },
      { ...chart('players', [4, 5], 5), nodes: 2 },
    ]);
  });

  it('is one node alone unchanged, and nothing for no node', () => {
    const a = [chart('refused', [1, 2], 3)];
    expect(sumCharts([a])).toEqual(a);
    expect(sumCharts([])).toEqual([]);
  });
});
