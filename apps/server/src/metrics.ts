import type { RoomStats } from '@perihelion/engine';
import { Counter, collectDefaultMetrics, Gauge, Registry, Summary } from 'prom-client';

/** Prometheus metrics for the process (GET /metrics) and the room hooks that feed them. */
export function createMetrics(counts: () => { connections: number; players: number; sectors: number }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

  const tickDuration = new Summary({
    name: 'perihelion_tick_duration_seconds',
    help: 'Time one room tick takes (inputs, simulation, snapshots)',
    percentiles: [0.5, 0.9, 0.99],
    maxAgeSeconds: 30,
    ageBuckets: 3,
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
    recordSnapshot(bytes, changed, recordBytes, isDelta) {
      snapshots.inc({ type: isDelta ? 'delta' : 'keyframe' });
      snapshotBytes.inc(bytes);
      entityRecords.inc(changed);
      entityRecordBytes.inc(recordBytes);
    },
  };
  return { registry, roomStats };
}
