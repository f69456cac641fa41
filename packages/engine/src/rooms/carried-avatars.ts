import { z } from 'zod';

/**
 * A player's avatar as a sector hands it on: to the next process that runs the sector (a restart,
 * a drain, a failover from the last checkpoint), which puts the player back where the avatar was
 * when they rejoin. `handle` was given by the sector, whose handles the restored simulation goes
 * on from (so it cannot be taken by anything else meanwhile).
 */
export const carriedAvatarSchema = z.object({
  playerId: z.string(),
  handle: z.number().int().min(0),
  /** The avatar's full-precision state (the simulation's ownState), null when it had none. */
  own: z.array(z.number()).nullable(),
  /** The last input step applied: the player's client goes on from the next one. */
  lastInputSeq: z.number().int().min(0),
});
export type CarriedAvatar = z.infer<typeof carriedAvatarSchema>;

export const carriedAvatarsSchema = z.array(carriedAvatarSchema);

/**
 * Avatars waiting for their players in a sector that has just started here. Each is taken once;
 * those not taken within `keepMs` are forgotten (the player then starts afresh).
 */
export class CarriedAvatars {
  private readonly byPlayer = new Map<string, CarriedAvatar>();
  private readonly until: number;

  constructor(avatars: readonly CarriedAvatar[], keepMs: number) {
    for (const avatar of avatars) this.byPlayer.set(avatar.playerId, avatar);
    this.until = performance.now() + keepMs;
  }

  take(playerId: string): CarriedAvatar | null {
    if (this.byPlayer.size === 0) return null;
    if (performance.now() > this.until) {
      this.byPlayer.clear();
      return null;
    }
    const avatar = this.byPlayer.get(playerId) ?? null;
    this.byPlayer.delete(playerId);
    return avatar;
  }

  /** Those still waiting (they go on into the sector's next hand-over). */
  waiting(): CarriedAvatar[] {
    return performance.now() > this.until ? [] : [...this.byPlayer.values()];
  }
}
