import type { RoomStats } from '@perihelion/engine';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics for the process (GET /metrics) and the room hooks that feed them. */
export function createMetrics(counts: () => { connections: number; players: number; sectors: number }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

  // A histogram, not a summary: percentiles can then be computed over any window (e.g. exactly a
  // benchmark's measurement window) from two scrapes, and aggregated across processes.
  const tickDuration = new Histogram({
    name: 'perihelion_tick_duration_seconds',
    help: 'Time one room tick takes (inputs, simulation, snapshots)',
    buckets: [
      0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.0125, 0.015, 0.02, 0.025, 0.033, 0.05, 0.075,
      0.1, 0.25,
    ],
    registers: [registry],
  });
  const snapshots = new Counter({
    name: 'perihelion_snapshots_total',
    help: 'Snapshots encoded',
    labelNames: ['type'],
    registers: [registry],
  });
  const snapshotBytes = new Counter({
    name: 'perihelion_snapshot_bytes_total',
    help: 'Bytes of encoded snapshots (before Socket.IO framing)',
    registers: [registry],
  });
  const entityRecords = new Counter({
    name: 'perihelion_snapshot_entity_records_total',
    help: 'Entity records (new or changed entities) written into snapshots',
    registers: [registry],
  });
  const entityRecordBytes = new Counter({
    name: 'perihelion_snapshot_entity_record_bytes_total',
    help: 'Bytes spent on entity records in snapshots',
    registers: [registry],
  });
  for (const [name, help, pick] of [
    ['perihelion_connections', 'Open game connections', 'connections'],
    ['perihelion_players', 'Players in sectors', 'players'],
    ['perihelion_sectors', 'Running sectors', 'sectors'],
  ] as const) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(counts()[pick]);
      },
    });
  }

  const roomStats: RoomStats = {
    recordTick(ms) {
      tickDuration.observe(ms / 1000);
    },
    recordSnapshots(t) {
      if (t.deltas) snapshots.inc({ type: 'delta' }, t.deltas);
      if (t.keyframes) snapshots.inc({ type: 'keyframe' }, t.keyframes);
      snapshotBytes.inc(t.bytes);
      entityRecords.inc(t.records);
      entityRecordBytes.inc(t.recordBytes);
    },
  };
  return { registry, roomStats };
}
