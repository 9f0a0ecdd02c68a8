/**
 * The generator behind every seeded choice: xoshiro128** seeded through splitmix32. Tiny, fast, and
 * identical on every platform, which is what bit-identical replays need. It is not cryptographic
 * and need not be.
 */

/** Deterministic 32-bit generator (xoshiro128**). */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Expected a seed to be a safe integer, got \`${seed}\``);
    }
    // splitmix32 over both halves of the seed so seeds above 2^32 still differ.
    let x = (seed >>> 0) ^ Math.floor(seed / 0x1_0000_0000);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform integer in [0, n), n ≤ 2^53, without modulo bias. */
  below(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_53) {
      throw new RangeError(`Expected n to be an integer from 1 to 2^53, got \`${n}\``);
    }
    if (n === 1) return 0;
    if (n > 0x1_0000_0000) return this.belowWide(n);
    // The draw v is accepted when v < limit = 2^32 - (2^32 mod n) = n * floor(2^32 / n), that is
    // when (floor(v / n) + 1) * n <= 2^32, and gives v mod n. Written with a division and a floor
    // instead of two `%`: v is above 2^31, so `%` is a floating-point remainder, which V8 does in a
    // C call, on every choice of the model. Same values: for v, n < 2^32 the quotient's floor is
    // exact (its error is below 1/n) and the products stay below 2^53.
    for (let i = 0; i < 64; i++) {
      const v = this.nextU32();
      const q = Math.floor(v / n);
      if ((q + 1) * n <= 0x1_0000_0000) return v - q * n;
    }
    // 64 rejections in a row has probability < 2^-64; fall back rather than loop without bound.
    return this.nextU32() % n;
  }

  /**
   * below() for 2^32 < n <= 2^53 (a workload's interval of more than 4.3 ms: twice it is drawn):
   * a 53-bit draw from two 32-bit ones, accepted below the largest multiple of n, as below() does
   * for 32 bits. Every value is exact in a double, and `%` of two such is exact too. Draws for n up
   * to 2^32 never come here, so they are what they always were.
   */
  private belowWide(n: number): number {
    const limit = Math.floor(TWO_53 / n) * n;
    for (let i = 0; i < 64; i++) {
      const v = (this.nextU32() >>> 11) * 0x1_0000_0000 + this.nextU32();
      if (v < limit) return v % n;
    }
    return ((this.nextU32() >>> 11) * 0x1_0000_0000 + this.nextU32()) % n;
  }

  /** Uniform float in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / 0x1_0000_0000;
  }

  /** A child generator whose stream is independent of this one's future draws. */
  fork(salt: number): Rng {
    return new Rng((this.nextU32() ^ Math.imul(salt | 0, 0x9e3779b1)) >>> 0);
  }
}

const TWO_53 = 2 ** 53;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
