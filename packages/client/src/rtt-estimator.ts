/**
 * Smoothed round-trip time. A moving average keeps the HUD's ping readable instead of flickering
 * with every sample, while still following a real change within a few pings.
 */
export class RttEstimator {
  private value: number | null = null;

  constructor(private readonly weight = 0.25) {}

  get ms(): number | null {
    return this.value;
  }

  add(sampleMs: number): number {
    const sample = Math.max(0, sampleMs);
    this.value = this.value === null ? sample : this.value + (sample - this.value) * this.weight;
    return this.value;
  }
}
