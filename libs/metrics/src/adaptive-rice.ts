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
/** k is chosen for 0.7 × the mean: near the optimum of a geometric distribution (ln 2 × mean). */
const MEAN_SCALE = 0.7;
/** Beyond it no safe integer needs more low bits. */
const MAX_K = 48;

export class AdaptiveRice {
  private sum: number;
  private n = 1;

  /** `initialMean`: the mean assumed before the first value. */
  constructor(initialMean: number) {
    this.sum = initialMean;
  }

  private k(): number {
    let k = 0;
    while (k < MAX_K && this.n * 2 ** k < this.sum * MEAN_SCALE) k++;
    return k;
  }

  private update(value: number): void {
    this.sum += value;
    this.n += 1;
    if (this.n >= RESET_AFTER) {
      this.sum = Math.floor(this.sum / 2);
      this.n = RESET_AFTER / 2;
    }
  }

  write(out: BitWriter, value: number): void {
    const k = this.k();
    const scale = 2 ** k;
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
    const k = this.k();
    const scale = 2 ** k;
    const quotient = Math.floor(value / scale);
    this.update(value);
    return quotient < QUOTIENT_LIMIT ? quotient + 1 + k : QUOTIENT_LIMIT + expGolombBits(value - QUOTIENT_LIMIT * scale, k);
  }

  read(input: BitReader): number {
    const k = this.k();
    const scale = 2 ** k;
    const quotient = input.ones(QUOTIENT_LIMIT);
    const value = quotient < QUOTIENT_LIMIT ? quotient * scale + input.bits(k) : QUOTIENT_LIMIT * scale + input.expGolomb(k);
    if (!Number.isSafeInteger(value)) throw new RangeError(`corrupt latency counts before byte ${input.byteOffset}: ${value} is not a safe integer`);
    this.update(value);
    return value;
  }
}
