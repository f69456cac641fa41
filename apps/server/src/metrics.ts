import type { RefusalStats, RoomStats } from '@perihelion/engine';
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

  // Errors and abuse, as an operator watches them (the admin console charts these).
  const refusedHandshakes = new Counter({
    name: 'perihelion_refused_handshakes_total',
    help: 'Connections refused at the handshake (no or bad access token, wrong protocol version, ...)',
    labelNames: ['namespace', 'code'],
    registers: [registry],
  });
  const refusedMessages = new Counter({
    name: 'perihelion_refused_messages_total',
    help: 'Client messages refused with a typed error (invalid, unknown, oversized, over the rate, forbidden)',
    labelNames: ['namespace', 'code'],
    registers: [registry],
  });
  const abusiveDisconnects = new Counter({
    name: 'perihelion_abusive_disconnects_total',
    help: 'Clients disconnected for misbehaving again and again',
    labelNames: ['namespace', 'code'],
    registers: [registry],
  });
  const refusals: RefusalStats = {
    handshakeRefused: (namespace, code) => refusedHandshakes.inc({ namespace, code }),
    messageRefused: (namespace, code) => refusedMessages.inc({ namespace, code }),
    abusiveDisconnect: (namespace, code) => abusiveDisconnects.inc({ namespace, code }),
  };

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
  return { registry, roomStats, refusals };
}
