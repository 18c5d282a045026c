/** Latency percentiles in milliseconds (nearest-rank on the full sample, no histogram rounding). */
export interface Percentiles {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** A growable list of float samples. */
export class Samples {
  private values = new Float64Array(1024);
  private length = 0;

  add(value: number): void {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = value;
  }

  get count(): number {
    return this.length;
  }

  /** A copy of the values, in the order added. */
  toArray(): Float64Array {
    return this.values.slice(0, this.length);
  }

  /** Adds every value of another list. */
  addAll(values: Float64Array): void {
    for (const value of values) this.add(value);
  }

  percentiles(): Percentiles {
    const sorted = this.values.slice(0, this.length).sort();
    const n = sorted.length;
    const at = (q: number) => (n === 0 ? NaN : (sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] ?? NaN));
    let sum = 0;
    for (const value of sorted) sum += value;
    return { count: n, mean: n === 0 ? NaN : sum / n, p50: at(0.5), p95: at(0.95), p99: at(0.99), p999: at(0.999), max: n === 0 ? NaN : (sorted[n - 1] ?? NaN) };
  }
}

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
