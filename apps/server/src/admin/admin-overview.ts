import type { Db } from '@perihelion/db';
import type { Channels, KnownNode } from '@perihelion/engine';
import type { AdminOverview, AdminSector } from '@perihelion/protocol';
import type { AdminPeers } from './admin-peers.js';
import type { AdminAudit } from './audit-log.js';
import { channelDigest } from './channel-digest.js';
import { sumCharts } from './metric-samples.js';
import type { NodeView } from './node-view.js';
import { pendingTimers } from './pending-timers.js';

/** Timers and audit entries the overview lists (the earliest timers, the newest actions). */
const TIMERS_SHOWN = 50;
const ACTIONS_SHOWN = 30;

export interface OverviewSources {
  nodeId: string;
  clustered: boolean;
  db: Db;
  channels: Channels;
  /** The live nodes with their last load report, this one first. */
  nodes(): KnownNode[];
  draining(): boolean;
  /** This node's sectors and players. */
  localView(): NodeView;
  peers: AdminPeers;
  audit: AdminAudit;
}

/**
 * Everything the console shows, as the answering node sees it now: the nodes from their load
 * reports, the sectors and players from every node that answers in time (the others' sectors from
 * their last load report, without detail), and timers, channels and the audit log from the store.
 */
export async function adminOverview(src: OverviewSources): Promise<AdminOverview> {
  const known = src.nodes();
  const others = known.map((n) => n.node).filter((node) => node !== src.nodeId);
  const [remote, timers, actions] = await Promise.all([
    src.peers.views(others),
    pendingTimers(src.db, TIMERS_SHOWN),
    src.audit.recent(ACTIONS_SHOWN),
  ]);
  const views = [src.localView(), ...remote];
  const answered = new Set(views.map((v) => v.node));
  const sectors: AdminSector[] = views.flatMap((v) => v.sectors);
  const unanswered = known.filter((n) => !answered.has(n.node));
  for (const node of unanswered) {
    for (const id of node.rooms) {
      sectors.push({ id, node: node.node, players: null, tickMs: null, bytesPerSecond: null, raid: null });
    }
  }
  sectors.sort((a, b) => a.id.localeCompare(b.id));
  const channels = await channelDigest(
    src.db,
    src.channels,
    sectors.map((s) => s.id),
  );
  return {
    node: src.nodeId,
    at: Date.now(),
    clustered: src.clustered,
    draining: src.draining(),
    nodes: known.map((n) => ({
      node: n.node,
      players: n.players,
      connections: n.connections,
      sectors: [...n.rooms].sort(),
      draining: n.draining,
    })),
    unanswered: unanswered.map((n) => n.node),
    sectors,
    players: views
      .flatMap((v) => v.players)
      .sort((a, b) => a.name.localeCompare(b.name) || a.node.localeCompare(b.node)),
    timers: timers.timers,
    timersPending: timers.total,
    channels,
    // Every node that answered, added up: the console charts the cluster, not the node it asks.
    charts: sumCharts(views.map((v) => v.charts)),
    actions,
  };
}
