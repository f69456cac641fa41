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
}

/** Creates rooms on first use and keeps them: sectors are long-lived, bounded in number. */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();

  constructor(private readonly opts: RoomRegistryOptions) {}

  get(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  /** The room, created if needed; null when the room limit is reached. */
  getOrCreate(id: string): Room | null {
    const existing = this.rooms.get(id);
    if (existing) return existing;
    if (this.rooms.size >= this.opts.maxRooms) return null;
    const room = new Room({
      id,
      tickRate: this.opts.tickRate,
      snapshotRate: this.opts.snapshotRate,
      capacity: this.opts.capacity,
      simulation: this.opts.createSimulation(id, this.opts.tickRate),
      ...(this.opts.stats ? { stats: this.opts.stats } : {}),
    });
    this.rooms.set(id, room);
    room.start();
    return room;
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
}
