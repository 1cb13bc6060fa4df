/**
 * L4: a seeded Mersenne Twister (MT19937), the generator behind numpy's legacy RandomState, so
 * that the harness draws the very same samples as MTEB (which seeds numpy with 42). Deterministic:
 * the same seed always gives the same stream, on every platform.
 */

const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

export class Mt19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  /** Seeds as numpy's `RandomState(seed)` / `np.random.seed(seed)` does for an integer seed. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer from 0 to 2**32 - 1, got ${seed}`);
    }
    const s = this.state;
    s[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = (s[i - 1] as number) ^ ((s[i - 1] as number) >>> 30);
      // 1812433253 * prev + i, modulo 2**32, without losing bits to float rounding.
      s[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < N; i++) {
      const y = ((s[i] as number) & UPPER_MASK) | ((s[(i + 1) % N] as number) & LOWER_MASK);
      let v = (s[(i + M) % N] as number) ^ (y >>> 1);
      if (y & 1) v ^= MATRIX_A;
      s[i] = v >>> 0;
    }
    this.index = 0;
  }

  /** The next 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits (numpy's random_sample / rand). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * A uniform integer in [0, max] (inclusive) by masked rejection, as numpy's legacy
   * random_interval does for max < 2**32.
   */
  interval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new RangeError(`interval bound must be an integer from 0 to 2**32 - 1, got ${max}`);
    }
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }
}

/**
 * Shuffles `items` in place as numpy's legacy `RandomState.shuffle` does for a 1-d array
 * (Fisher-Yates from the end, j drawn by `interval(i)`), and returns it.
 */
export function legacyShuffle<T>(rng: Mt19937, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.interval(i);
    const t = items[i] as T;
    items[i] = items[j] as T;
    items[j] = t;
  }
  return items;
}
