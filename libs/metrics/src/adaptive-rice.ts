import { expGolombBits, type BitReader, type BitWriter } from './bits.js';

/**
 * Adaptive Golomb-Rice code (as in LOCO-I / JPEG-LS) for a stream of whole
 * numbers ≥ 0: each value is written with the Rice parameter k suited to the
 * recent mean, which both sides track alike. A histogram's bucket gaps are
 * small near its median and large in its tails; following the local mean
 * keeps each one near its entropy without a table.
 */

/*
 * The constants were chosen on seeded default-profile windows (tools/bench/src/ingest/window-gen.ts): each of
 * them saved 1-3 % of the latency bits against LOCO-I's usual ones (a limit of 16, halving after 16, k for the mean).
 */
/** Unary quotients below this; from it on the value is escaped (a tail's long gap, or a large count). */
const QUOTIENT_LIMIT = 6;
/** The mean is halved after this many values, so that it follows the values near the current one. */
const RESET_AFTER = 8;
/** k is the least with 2^k ≥ 0.7 × the mean (7/10, in whole numbers): near a geometric distribution's optimum, ln 2 × mean. */
const MEAN_SCALE_NUMERATOR = 7;
const MEAN_SCALE_DENOMINATOR = 10;
/** Targets up to this take k from Math.clz32 (k ≤ 30, so 2^k is a 31-bit integer). */
const SMALL_TARGET = 2 ** 30;
/** Beyond it no safe integer needs more low bits. */
const MAX_K = 48;

export class AdaptiveRice {
  private sum: number;
  private n = 1;

  /** `initialMean`: the mean assumed before the first value. */
  constructor(initialMean: number) {
    this.sum = initialMean;
    this.chooseK();
  }

  /** The Rice parameter for the next value (and 2^k), from the state both sides share. */
  private k = 0;
  private scale = 1;

  private chooseK(): void {
    // ceil(0.7 × sum / n), exact: the operands are whole numbers far below 2^53 and n ≤ RESET_AFTER.
    const target = Math.ceil((this.sum * MEAN_SCALE_NUMERATOR) / (this.n * MEAN_SCALE_DENOMINATOR));
    if (target <= 1) {
      this.k = 0;
      this.scale = 1;
    } else if (target <= SMALL_TARGET) {
      this.k = 32 - Math.clz32(target - 1);
      this.scale = 1 << this.k;
    } else {
      let k = 31;
      while (k < MAX_K && 2 ** k < target) k++;
      this.k = k;
      this.scale = 2 ** k;
    }
  }

  private update(value: number): void {
    this.sum += value;
    this.n += 1;
    if (this.n >= RESET_AFTER) {
      this.sum = Math.floor(this.sum / 2);
      this.n = RESET_AFTER / 2;
    }
    this.chooseK();
  }

  write(out: BitWriter, value: number): void {
    const { k, scale } = this;
    const quotient = Math.floor(value / scale);
    if (quotient < QUOTIENT_LIMIT) {
      out.ones(quotient);
      out.bits(value - quotient * scale, k);
    } else {
      out.ones(QUOTIENT_LIMIT, false);
      out.expGolomb(value - QUOTIENT_LIMIT * scale, k);
    }
    this.update(value);
  }

  /** Bits {@link write} would take for `value`, updating the state alike. */
  cost(value: number): number {
    const { k, scale } = this;
    const quotient = Math.floor(value / scale);
    this.update(value);
    return quotient < QUOTIENT_LIMIT ? quotient + 1 + k : QUOTIENT_LIMIT + expGolombBits(value - QUOTIENT_LIMIT * scale, k);
  }

  read(input: BitReader): number {
    const quotient = input.ones(QUOTIENT_LIMIT);
    let value: number;
    if (quotient < QUOTIENT_LIMIT) value = quotient * this.scale + (this.k === 0 ? 0 : input.bits(this.k));
    else {
      value = QUOTIENT_LIMIT * this.scale + input.expGolomb(this.k);
      if (!Number.isSafeInteger(value)) throw new RangeError(`corrupt latency counts before byte ${input.byteOffset}: ${value} is not a safe integer`);
    }
    this.update(value);
    return value;
  }
}
