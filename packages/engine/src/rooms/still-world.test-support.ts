import type { EntityState } from '@perihelion/protocol';
import type { Simulation } from './simulation.js';

/** The smallest world: avatars that stand still. */
export class StillWorld implements Simulation {
  readonly viewRadius = 1000;
  private readonly avatars = new Map<string, { handle: number; state: number[] }>();
  private nextHandle = 1;
  spawn(playerId: string, restore: { state: readonly number[] | null; handle: number } | null): number {
    const handle = restore?.handle ?? this.nextHandle++;
    this.avatars.set(playerId, { handle, state: [...(restore?.state ?? [0, 0])] });
    return handle;
  }
  despawn(playerId: string): readonly number[] | null {
    const a = this.avatars.get(playerId);
    this.avatars.delete(playerId);
    return a?.state ?? null;
  }
  applyInput(): void {}
  step(): void {}
  ownState(playerId: string): readonly number[] | null {
    return this.avatars.get(playerId)?.state ?? null;
  }
  focus(): { x: number; y: number } {
    return { x: 0, y: 0 };
  }
  *entities(): Iterable<EntityState> {
    for (const a of this.avatars.values())
      yield { handle: a.handle, kind: 0, variant: 0, x: 0, y: 0, angle: 0 };
  }
}
