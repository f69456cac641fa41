import { type Content, structureSpec } from './content.js';
import { distanceBetween, isLive, type StructureView } from './structures.js';
import { lowerFirst, structureName, withArticle } from './texts.js';

export interface Cost {
  ore: number;
  credits: number;
}

export interface PlacementRequest {
  kind: string;
  x: number;
  y: number;
  ownerId: string;
  /** The builder's ship; null when the builder has no ship in the sector. */
  ship: { x: number; y: number } | null;
  /** The sector's structures; only live ones are considered. */
  structures: readonly StructureView[];
}

export type PlacementCode = 'UNKNOWN_KIND' | 'OUT_OF_BOUNDS' | 'TOO_FAR' | 'TOO_CLOSE' | 'REQUIRES';

export type PlacementResult = { ok: true } | { ok: false; code: PlacementCode; message: string };

const refuse = (code: PlacementCode, message: string): PlacementResult => ({ ok: false, code, message });

/**
 * Whether `ownerId` may start building `kind` at (x, y). The server enforces it; the client runs
 * the same check to explain a placement before sending it. Checks, in order: the kind exists, the
 * footprint is inside the sector, the site is within build range of the builder's ship, it keeps
 * clear of every live structure, and what the kind requires is there.
 */
export function validatePlacement(req: PlacementRequest, content: Content): PlacementResult {
  const spec = structureSpec(req.kind, content);
  if (!spec) return refuse('UNKNOWN_KIND', `There is no structure called "${req.kind}"`);
  const name = spec.name;

  const halfW = content.sector.width / 2 - spec.radius;
  const halfH = content.sector.height / 2 - spec.radius;
  if (!(Math.abs(req.x) <= halfW && Math.abs(req.y) <= halfH)) {
    return refuse('OUT_OF_BOUNDS', `${name} must be built inside the sector`);
  }

  const { buildRange, minSpacing } = content.construction;
  if (!req.ship) return refuse('TOO_FAR', `You need a ship in this sector to build`);
  if (distanceBetween(req.ship, req) > buildRange) {
    return refuse('TOO_FAR', `Fly closer: you can build within ${buildRange} units of your ship`);
  }

  for (const other of req.structures) {
    if (!isLive(other)) continue;
    const otherRadius = structureSpec(other.kind, content)?.radius ?? 0;
    if (distanceBetween(other, req) < spec.radius + otherRadius + minSpacing) {
      const whose = other.ownerId === req.ownerId ? 'your' : 'a';
      const what = lowerFirst(structureName(other.kind, content));
      return refuse(
        'TOO_CLOSE',
        `Too close to ${whose} ${what}: keep ${minSpacing} units of space between structures`,
      );
    }
  }

  if (spec.requires) {
    const { kind, within } = spec.requires;
    const satisfied = req.structures.some(
      (s) =>
        s.kind === kind &&
        s.state === 'active' &&
        s.ownerId === req.ownerId &&
        distanceBetween(s, req) <= within,
    );
    if (!satisfied) {
      const needed = lowerFirst(structureName(kind, content));
      return refuse('REQUIRES', `${withArticle(name)} needs your active ${needed} within ${within} units`);
    }
  }
  return { ok: true };
}

function specOrThrow(kind: string, content: Content) {
  const spec = structureSpec(kind, content);
  if (!spec) throw new Error(`unknown structure kind "${kind}"`);
  return spec;
}

/** What starting a build of `kind` costs. Throws for an unknown kind (validate first). */
export function buildCost(kind: string, content: Content): Cost {
  const { ore, credits } = specOrThrow(kind, content).cost;
  return { ore, credits };
}

/** How long a build of `kind` takes. Throws for an unknown kind (validate first). */
export function buildDurationMs(kind: string, content: Content): number {
  return Math.round(specOrThrow(kind, content).buildSeconds * 1000);
}

/**
 * What cancelling a build of `kind` gives back: the cost times `refundRatio`, rounded down.
 * A kind the content no longer has (a build started under older content) refunds nothing
 * rather than failing the cancel.
 */
export function refundFor(kind: string, content: Content): Cost {
  const spec = structureSpec(kind, content);
  return spec ? refundOfPaid(spec.cost, content) : { ore: 0, credits: 0 };
}

/**
 * What cancelling gives back of what was actually paid: prices may have changed since the build
 * started (new content after a restart), and a refund must never exceed the payment.
 */
export function refundOfPaid(paid: Cost, content: Content): Cost {
  const ratio = content.construction.refundRatio;
  return { ore: Math.floor(paid.ore * ratio), credits: Math.floor(paid.credits * ratio) };
}
