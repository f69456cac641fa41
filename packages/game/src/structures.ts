/** Where a structure is in its life. Only building and active structures are "live". */
export type StructureState = 'building' | 'active' | 'cancelled' | 'destroyed';

/** What the rules need to know about a structure (the server and client each have richer rows). */
export interface StructureView {
  id: string;
  kind: string;
  ownerId: string;
  x: number;
  y: number;
  state: StructureState;
  hp: number;
}

/** A live structure occupies its place and can be raided; cancelled and destroyed ones are gone. */
export function isLive(s: Pick<StructureView, 'state'>): boolean {
  return s.state === 'building' || s.state === 'active';
}

export function distanceBetween(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
