import { z } from 'zod';
import { type Bus, busTopic, type Unsubscribe } from './bus.js';

/** What a node says of itself, every second, to the others. */
export const nodeLoadSchema = z.object({
  node: z.string(),
  /** Players whose avatars are in the node's sectors. */
  players: z.number().int().min(0),
  connections: z.number().int().min(0),
  /** The sectors (rooms) the node runs. */
  rooms: z.array(z.string()),
  /** A draining node takes no new sectors. */
  draining: z.boolean(),
});
export type NodeLoad = z.infer<typeof nodeLoadSchema>;

/** Sent again every second, so a node that missed one (pub/sub) has the next. */
export const nodeLoadTopic = busTopic('cluster:load', nodeLoadSchema, 'broadcast');

export interface NodeLoadsOptions {
  bus: Bus;
  /** This node's load now. */
  measure: () => Omit<NodeLoad, 'node'>;
  /** How often this node reports, ms. Default 1000. */
  everyMs?: number;
  /** A node not heard from for this long is taken for gone, ms. Default 3500. */
  staleAfterMs?: number;
}

/** A node's last report, with when it arrived (performance.now()). */
export interface KnownNode extends NodeLoad {
  heardAt: number;
}

/**
 * The load of every live node of the cluster, from the reports each node broadcasts every second:
 * where a new sector should start (the least loaded node), whether the node named by a lease is
 * still alive, and what an operator sees of the cluster.
 */
export class NodeLoads {
  private readonly known = new Map<string, KnownNode>();
  /** Sectors placed on a node since its last report (so a burst of new sectors spreads out). */
  private readonly placedSince = new Map<string, number>();
  private readonly everyMs: number;
  private readonly staleAfterMs: number;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: Unsubscribe | null = null;

  constructor(private readonly opts: NodeLoadsOptions) {
    this.everyMs = opts.everyMs ?? 1000;
    this.staleAfterMs = opts.staleAfterMs ?? 3500;
  }

  get nodeId(): string {
    return this.opts.bus.nodeId;
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.opts.bus.subscribe(nodeLoadTopic, (load) => this.heard(load));
    this.report();
    this.timer = setInterval(() => this.report(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Reports this node's load now (e.g. at once when it starts draining). */
  report(): void {
    this.opts.bus.publish(nodeLoadTopic, { node: this.nodeId, ...this.opts.measure() });
  }

  /** Whether the node has reported lately (this node always is). */
  isLive(node: string): boolean {
    if (node === this.nodeId) return true;
    const known = this.known.get(node);
    return known !== undefined && performance.now() - known.heardAt < this.staleAfterMs;
  }

  /** The live nodes, this one first, each with its last report. */
  nodes(): KnownNode[] {
    const self: KnownNode = { node: this.nodeId, ...this.opts.measure(), heardAt: performance.now() };
    const others = [...this.known.values()].filter((n) => n.node !== this.nodeId && this.isLive(n.node));
    return [self, ...others.sort((a, b) => a.node.localeCompare(b.node))];
  }

  /**
   * Where a new sector should start: the live node that is not draining with the fewest players,
   * then the fewest sectors (counting those placed on it since its last report), then by id.
   * This node when every other is draining or gone.
   */
  placeNew(): string {
    const candidates = this.nodes().filter((n) => !n.draining);
    if (candidates.length === 0) return this.nodeId;
    const rooms = (n: KnownNode) => n.rooms.length + (this.placedSince.get(n.node) ?? 0);
    candidates.sort((a, b) => a.players - b.players || rooms(a) - rooms(b) || a.node.localeCompare(b.node));
    const chosen = (candidates[0] as KnownNode).node;
    this.placedSince.set(chosen, (this.placedSince.get(chosen) ?? 0) + 1);
    return chosen;
  }

  private heard(load: NodeLoad): void {
    this.known.set(load.node, { ...load, heardAt: performance.now() });
    this.placedSince.delete(load.node);
  }
}
