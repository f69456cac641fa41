import { type LeaseClaim, LocalLeases, type RoomLeases } from '../cluster/leases.js';
import { type CarriedAvatar, CarriedAvatars } from './carried-avatars.js';
import { Room } from './room.js';
import type { RoomStats } from './room-stats.js';
import type { SimulationFactory } from './simulation.js';

export interface RoomRegistryOptions {
  tickRate: number;
  snapshotRate: number;
  capacity: number;
  maxRooms: number;
  createSimulation: SimulationFactory;
  stats?: RoomStats;
  /** Who runs each room (a cluster's leases); default: this node runs every room it is asked for. */
  leases?: RoomLeases;
  /**
   * Readies a room's stored state for this grant before its simulation is created (e.g. reads its
   * checkpoint and marks it with the fence, so a former owner's late writes are refused), and
   * returns the avatars the room's previous run handed on. A rejection leaves the room closed
   * (the join is refused and may be retried).
   */
  prepare?: (id: string, fence: number) => Promise<PreparedRoom>;
  /** How long avatars handed on wait for their players, ms. Default 60 s. */
  carryForMs?: number;
  /** The node a room nobody runs should start on (e.g. the least loaded); default this one. */
  place?: (id: string) => string;
  /**
   * Whether a node is alive (reports its load lately): a room whose lease names a node that is
   * gone is about to be free, so a join is told to try again rather than sent there.
   */
  isLive?: (node: string) => boolean;
  /** A room stopped because this node no longer holds its lease (its members must go elsewhere). */
  onLost?: (room: Room) => void;
}

/** What a room's stored state brings to its new run. */
export interface PreparedRoom {
  avatars: readonly CarriedAvatar[];
}

/** Where a room runs, as far as a join on this node is concerned. */
export type RoomOpening =
  | { readonly kind: 'here'; readonly room: Room }
  /** Another node runs it (`node`), or it cannot be run right now (null: try again shortly). */
  | { readonly kind: 'elsewhere'; readonly node: string | null }
  /** This node runs as many rooms as it may. */
  | { readonly kind: 'limit' };

/**
 * The rooms this node runs: each opened on first use, under its lease, and kept while the lease is
 * held (sectors are long-lived, bounded in number). A room whose lease is lost stops at once.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly opening = new Map<string, Promise<RoomOpening>>();
  private readonly leases: RoomLeases;

  constructor(private readonly opts: RoomRegistryOptions) {
    this.leases = opts.leases ?? new LocalLeases('local');
    this.leases.onLost((id) => this.lost(id));
  }

  /** The room, when this node runs it and may still do so. */
  get(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  /** Opens the room here when this node holds (or gets) its lease; otherwise says where it runs. */
  open(id: string): Promise<RoomOpening> {
    const existing = this.rooms.get(id);
    if (existing) return Promise.resolve({ kind: 'here', room: existing });
    let pending = this.opening.get(id);
    if (!pending) {
      pending = this.openFresh(id).finally(() => this.opening.delete(id));
      this.opening.set(id, pending);
    }
    return pending;
  }

  private async openFresh(id: string): Promise<RoomOpening> {
    if (this.rooms.size >= this.opts.maxRooms) return { kind: 'limit' };
    const claim: LeaseClaim = await this.leases.claim(id, this.opts.place?.(id));
    if (!claim.held) {
      const live = claim.owner !== null && (this.opts.isLive?.(claim.owner) ?? true);
      return { kind: 'elsewhere', node: live ? claim.owner : null };
    }
    let prepared: PreparedRoom = { avatars: [] };
    try {
      if (this.opts.prepare) prepared = await this.opts.prepare(id, claim.fence);
    } catch (err) {
      await this.leases.release(id);
      throw err;
    }
    // The lease may have lapsed while the state was read (a stall): do not start on it.
    if (!this.leases.holds(id)) return { kind: 'elsewhere', node: null };
    const room = new Room({
      id,
      tickRate: this.opts.tickRate,
      snapshotRate: this.opts.snapshotRate,
      capacity: this.opts.capacity,
      simulation: this.opts.createSimulation(id, this.opts.tickRate),
      ...(this.opts.stats ? { stats: this.opts.stats } : {}),
      // Checked before every tick: a room never simulates a moment past its lease.
      mayRun: () => this.leases.holds(id),
      onHalted: () => this.lost(id),
      carried: new CarriedAvatars(prepared.avatars, this.opts.carryForMs ?? 60_000),
    });
    this.rooms.set(id, room);
    room.start();
    return { kind: 'here', room };
  }

  /** The fence of this node's grant for a room it runs (for writes of its state). */
  fenceOf(id: string): number | null {
    return this.leases.fenceOf(id);
  }

  /** This node's id in the cluster. */
  get nodeId(): string {
    return this.leases.nodeId;
  }

  /** Records this node as the player's pilot; the node that was before, if another (see RoomLeases). */
  claimPilot(playerId: string): Promise<string | null> {
    return this.leases.claimPilot(playerId);
  }

  /** Whether this node may still act for the room (write its state, send its events). */
  holds(id: string): boolean {
    return this.rooms.has(id) && this.leases.holds(id);
  }

  /**
   * Gives up a room this node runs: it stops, and its lease goes to `toNode` (null: released, for
   * whoever comes first). The caller has saved its state and tells its members where to go.
   */
  async handOver(id: string, toNode: string | null): Promise<void> {
    const room = this.rooms.get(id);
    if (!room) return;
    room.stop();
    this.rooms.delete(id);
    if (toNode && toNode !== this.leases.nodeId) await this.leases.transfer(id, toNode);
    else await this.leases.release(id);
  }

  /** Stops renewing and gives every lease up (the node is stopping; rooms were stopped). */
  closeLeases(): Promise<void> {
    return this.leases.close();
  }

  all(): IterableIterator<Room> {
    return this.rooms.values();
  }

  get count(): number {
    return this.rooms.size;
  }

  stopAll(): void {
    for (const room of this.rooms.values()) room.stop();
  }

  private lost(id: string): void {
    const room = this.rooms.get(id);
    if (!room) return;
    room.stop();
    this.rooms.delete(id);
    void this.leases.release(id);
    this.opts.onLost?.(room);
  }
}
