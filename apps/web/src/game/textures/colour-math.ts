/** Scales each RGB channel of 0xRRGGBB by `factor` (below 1 darkens). */
export function shade(colour: number, factor: number): number {
  return mapChannels(colour, (c) => c * factor);
}

/** Blends `colour` towards `target` by t (0 = colour, 1 = target). */
export function mix(colour: number, target: number, t: number): number {
  const tr = (target >> 16) & 0xff;
  const tg = (target >> 8) & 0xff;
  const tb = target & 0xff;
  const [r, g, b] = [(colour >> 16) & 0xff, (colour >> 8) & 0xff, colour & 0xff];
  return rgb(r + (tr - r) * t, g + (tg - g) * t, b + (tb - b) * t);
}

function mapChannels(colour: number, f: (channel: number) => number): number {
  return rgb(f((colour >> 16) & 0xff), f((colour >> 8) & 0xff), f(colour & 0xff));
}

function rgb(r: number, g: number, b: number): number {
  const c = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  return (c(r) << 16) | (c(g) << 8) | c(b);
}
