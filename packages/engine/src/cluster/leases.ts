/**
 * Who runs a room. In a cluster each room (a sector) is run by exactly one node at a time: the
 * holder of its lease, which it renews while it is healthy and which lapses when it is not. Every
 * grant of a lease comes with a fence: a number larger than any earlier grant's for that room, so
 * storage can refuse the writes of a node that lost the lease without noticing (a stalled process).
 */
export type LeaseClaim =
  | { readonly held: true; readonly fence: number }
  /** Another node holds it (`owner`), or who does could not be learned (null: Redis is away). */
  | { readonly held: false; readonly owner: string | null };

export type LeaseLostListener = (room: string) => void;

export interface RoomLeases {
  readonly nodeId: string;
  /**
   * The room's lease: kept when this node holds it (or it was assigned to this node), taken when
   * nobody does, for `forNode` when given (placement: that node adopts it when its first player
   * arrives, or the lease lapses). Held leases are renewed until released or lost.
   */
  claim(room: string, forNode?: string): Promise<LeaseClaim>;
  /**
   * Whether this node may act as the room's owner now, by its own clock: false from a safety
   * margin before the lease could have lapsed without a renewal (whatever Redis says later).
   */
  holds(room: string): boolean;
  /** The fence of this node's grant for the room (null when it holds none). */
  fenceOf(room: string): number | null;
  /** Who holds the room's lease now (null: nobody, or unknown). */
  ownerOf(room: string): Promise<string | null>;
  /** Gives the lease up (only if this node still holds it). */
  release(room: string): Promise<void>;
  /**
   * Hands a lease this node holds to another node, with a new fence (it adopts the grant when its
   * first player arrives, or the grant lapses). False when this node no longer held it.
   */
  transfer(room: string, toNode: string): Promise<boolean>;
  /** Called once per lease this node finds it no longer holds (renewal refused, or lapsed). */
  onLost(listener: LeaseLostListener): void;
  /**
   * Records that this node now pilots the player's avatar (one per player across the cluster);
   * returns the node that did before, when it was another one (its pilot is to be displaced).
   */
  claimPilot(playerId: string): Promise<string | null>;
  /** Releases every lease and stops renewing. */
  close(): Promise<void>;
}

/**
 * A single node holds every lease. Its fences are the wall clock in milliseconds, larger on every
 * start than on the one before, and comparable with the fences a cluster hands out (which are
 * never below the time of their grant), so a universe can move between the two.
 */
export class LocalLeases implements RoomLeases {
  private readonly fences = new Map<string, number>();
  private lastFence = 0;

  constructor(readonly nodeId: string) {}

  async claim(room: string): Promise<LeaseClaim> {
    let fence = this.fences.get(room);
    if (fence === undefined) {
      fence = Math.max(Date.now(), this.lastFence + 1);
      this.lastFence = fence;
      this.fences.set(room, fence);
    }
    return { held: true, fence };
  }

  holds(room: string): boolean {
    return this.fences.has(room);
  }

  fenceOf(room: string): number | null {
    return this.fences.get(room) ?? null;
  }

  async ownerOf(room: string): Promise<string | null> {
    return this.fences.has(room) ? this.nodeId : null;
  }

  async release(room: string): Promise<void> {
    this.fences.delete(room);
  }

  /** One node pilots every avatar: a second tab is displaced by the gateway itself. */
  async claimPilot(): Promise<string | null> {
    return null;
  }

  /** A single node has no one to hand a room to: the lease is released. */
  async transfer(room: string): Promise<boolean> {
    await this.release(room);
    return false;
  }

  onLost(): void {}

  async close(): Promise<void> {
    this.fences.clear();
  }
}
