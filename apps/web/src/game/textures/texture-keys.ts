/** Every generated texture's key; the preload scene makes them, the world draws with them. */
export const TextureKey = {
  Flame: 'flame',
  Nebula: 'nebula',
  DragonOpen: 'dragon-open',
  DragonClosed: 'dragon-closed',
  DragonGlow: 'dragon-glow',
} as const;

/** Each asteroid size class comes in a few shapes so the field does not look stamped. */
export const ASTEROID_SHAPES = 3;

export function asteroidTextureKey(variant: number, shape: number): string {
  return `asteroid-${variant}-${shape}`;
}

/*
 * Ships and glows are baked once per palette colour instead of tinted at draw time: the canvas
 * renderer (used where WebGL would be software-emulated) cannot tint.
 */
export function shipTextureKey(colour: number): string {
  return `ship-${colour.toString(16)}`;
}

export function shipGlowTextureKey(colour: number): string {
  return `ship-glow-${colour.toString(16)}`;
}

/** Stars come in a few sizes; index 0 is the faintest. */
export const STAR_KINDS = 4;

export function starTextureKey(kind: number): string {
  return `star-${kind}`;
}

/** One texture per structure kind (see structure-textures.ts), drawn neutral; owners add colour. */
export function structureTextureKey(kind: string): string {
  return `structure-${kind}`;
}
