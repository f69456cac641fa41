import type { TuningValue } from '@perihelion/protocol';

/*
 * Content values addressed by dotted paths ("ship.maxSpeed", "structures.station-core.cost.ore"),
 * the way designers name them and the tuning API carries them. Only leaves can be tuned: numbers,
 * booleans and strings that the content already has, with the same type.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path`, or undefined when the path names nothing. */
export function valueAt(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const key of path.split('.')) {
    if (!isRecord(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** A tunable leaf's value, or null when `path` does not name a number, boolean or string. */
export function leafAt(root: unknown, path: string): TuningValue | null {
  const value = valueAt(root, path);
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? value : null;
}

/** A copy of `root` with `path` set to `value` (objects on the way are copied, never modified). */
export function withValue(root: unknown, path: string, value: TuningValue): unknown {
  const [key, ...rest] = path.split('.');
  const node: Record<string, unknown> = isRecord(root) ? { ...root } : {};
  if (key === undefined) return root;
  // defineProperty, not assignment: a "__proto__" key must stay a plain key.
  Object.defineProperty(node, key, {
    value: rest.length === 0 ? value : withValue(node[key], rest.join('.'), value),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return node;
}

/** `root` with every tuned value put in place. */
export function withTuned(root: unknown, tuned: Readonly<Record<string, TuningValue>>): unknown {
  let out = root;
  for (const [path, value] of Object.entries(tuned)) out = withValue(out, path, value);
  return out;
}

/** Why `value` cannot be set at `path` of `root`, or null when it can. */
export function leafProblem(root: unknown, path: string, value: TuningValue): string | null {
  const current = valueAt(root, path);
  if (current === undefined) return 'names no value of the content';
  if (isRecord(current) || Array.isArray(current)) return 'names a group of values, not one value';
  if (typeof current !== typeof value) return `must be a ${typeof current}, not a ${typeof value}`;
  return null;
}
