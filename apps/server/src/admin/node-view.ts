import type { ConnectionContext, Realtime } from '@perihelion/engine';
import {
  type AdminChart,
  type AdminPlayer,
  type AdminSector,
  adminChartSchema,
  adminPlayerSchema,
  adminSectorSchema,
  adminTransportSchema,
  type WorldEvent,
} from '@perihelion/protocol';
import { z } from 'zod';
import type { HeartbeatRtt } from './heartbeat-rtt.js';
import type { SectorStats } from './sector-stats.js';

/** What one node runs and holds: its sectors, the players connected to it, and its charts. */
export const nodeViewSchema = z.object({
  node: z.string(),
  sectors: z.array(adminSectorSchema),
  players: z.array(adminPlayerSchema),
  charts: z.array(adminChartSchema),
});
export type NodeView = z.infer<typeof nodeViewSchema>;

export interface NodeViewSources {
  nodeId: string;
  realtime: Pick<Realtime, 'gateway' | 'rooms'>;
  sectorStats: SectorStats;
  rtt: HeartbeatRtt;
  raidIn(sector: string): WorldEvent | null;
  charts(): AdminChart[];
}

/** This node's sectors and players, as the admin console shows them. */
export function localNodeView(src: NodeViewSources): NodeView {
  const { gateway, rooms } = src.realtime;
  const sectors: AdminSector[] = [...rooms.all()].map((room) => {
    const cost = src.sectorStats.of(room.id);
    return {
      id: room.id,
      node: src.nodeId,
      players: room.size,
      tickMs: cost?.tickMs ?? null,
      bytesPerSecond: cost?.bytesPerSecond ?? null,
      raid: src.raidIn(room.id),
    };
  });
  const tabs = new Map<string, ConnectionContext[]>();
  for (const ctx of gateway.liveConnections()) {
    const list = tabs.get(ctx.playerId);
    if (list) list.push(ctx);
    else tabs.set(ctx.playerId, [ctx]);
  }
  const players: AdminPlayer[] = [];
  for (const [playerId, list] of tabs) {
    // The tab that flies the ship says where the player is and how well they are connected.
    const shown = list.find((ctx) => ctx.presence !== null) ?? (list[0] as ConnectionContext);
    const transport = adminTransportSchema.safeParse(shown.socket.conn.transport.name);
    players.push({
      playerId,
      name: shown.session.name,
      sector: gateway.sectorOf(playerId) ?? shown.sector,
      node: src.nodeId,
      transport: transport.success ? transport.data : null,
      pingMs: src.rtt.of(shown.socket.conn),
      tabs: list.length,
    });
  }
  players.sort((a, b) => a.name.localeCompare(b.name) || a.playerId.localeCompare(b.playerId));
  return { node: src.nodeId, sectors, players, charts: src.charts() };
}
