/**
 * Bit-level writer and reader (most significant bit first) for the format-7
 * latency counts. Values may reach 2^53: wide values are split arithmetically,
 * as JavaScript's bit operators work on 32 bits.
 */

/** The widest piece written or read at once, so that the 32-bit accumulator never overflows. */
const CHUNK_BITS = 24;
const CHUNK = 2 ** CHUNK_BITS;
/** Exp-Golomb lengths beyond this cannot hold a safe integer: only corrupt input has them. */
const MAX_EXP_GOLOMB_ZEROS = 53;

export class BitWriter {
  private buffer = new Uint8Array(128);
  private length = 0;
  /** Pending bits, fewer than 8 between calls. */
  private pending = 0;
  private pendingBits = 0;

  private push(byte: number): void {
    if (this.length === this.buffer.length) {
      const next = new Uint8Array(this.buffer.length * 2);
      next.set(this.buffer);
      this.buffer = next;
    }
    this.buffer[this.length++] = byte;
  }

  /** Writes `value` (0 ≤ value < 2^bits, bits ≤ 53) in `bits` bits. */
  bits(value: number, bits: number): void {
    if (bits > CHUNK_BITS) {
      const low = value % CHUNK;
      this.bits((value - low) / CHUNK, bits - CHUNK_BITS);
      this.bits(low, CHUNK_BITS);
      return;
    }
    this.pending = (this.pending << bits) | value;
    this.pendingBits += bits;
    while (this.pendingBits >= 8) {
      this.pendingBits -= 8;
      this.push((this.pending >>> this.pendingBits) & 0xff);
    }
    this.pending &= (1 << this.pendingBits) - 1;
  }

  /** `count` one bits then a zero (or just the ones when `terminated` is false). */
  ones(count: number, terminated = true): void {
    let rest = count;
    while (rest > 0) {
      const n = Math.min(rest, CHUNK_BITS);
      this.bits(2 ** n - 1, n);
      rest -= n;
    }
    if (terminated) this.bits(0, 1);
  }

  /** Exp-Golomb code of order `order`: small values in few bits, any safe integer in at most ~2×53 bits. */
  expGolomb(value: number, order: number): void {
    const shifted = value + 2 ** order;
    const width = bitLength(shifted);
    this.bits(0, width - order - 1);
    this.bits(shifted, width);
  }

  /** The bytes written, the last one padded with zero bits. */
  finish(): Uint8Array {
    if (this.pendingBits > 0) this.bits(0, 8 - this.pendingBits);
    return this.buffer.slice(0, this.length);
  }
}

/** Bits needed to write `value` (≥ 1). */
export function bitLength(value: number): number {
  let width = 0;
  let rest = value;
  while (rest >= CHUNK) {
    rest = Math.floor(rest / CHUNK);
    width += CHUNK_BITS;
  }
  return width + (32 - Math.clz32(rest));
}

/** Bits {@link BitWriter.expGolomb} takes for `value`. */
export function expGolombBits(value: number, order: number): number {
  return 2 * bitLength(value + 2 ** order) - order - 1;
}

/** The reader refills its window up to this many bits and below: every mask stays within 31-bit integers. */
const WINDOW_REFILL_BELOW = 17;
const READ_CHUNK_BITS = 16;

export class BitReader {
  private offset: number;
  /** Bits read ahead and not consumed yet: the lowest `windowBits` bits of `window`. */
  private window = 0;
  private windowBits = 0;

  constructor(
    private readonly buffer: Uint8Array,
    start = 0,
  ) {
    this.offset = start;
  }

  /** Tops the window up from the bytes left (at most 24 bits then). */
  private refill(): void {
    while (this.windowBits < WINDOW_REFILL_BELOW && this.offset < this.buffer.length) {
      this.window = (this.window << 8) | this.buffer[this.offset++]!;
      this.windowBits += 8;
    }
  }

  private truncated(): never {
    throw new RangeError(`latency counts truncated at byte ${this.buffer.length}`);
  }

  bit(): number {
    if (this.windowBits === 0) {
      this.refill();
      if (this.windowBits === 0) this.truncated();
    }
    this.windowBits -= 1;
    const bit = this.window >>> this.windowBits;
    this.window &= (1 << this.windowBits) - 1;
    return bit;
  }

  bits(bits: number): number {
    if (bits > READ_CHUNK_BITS) {
      const high = this.bits(bits - READ_CHUNK_BITS);
      return high * 2 ** READ_CHUNK_BITS + this.bits(READ_CHUNK_BITS);
    }
    if (this.windowBits < bits) {
      this.refill();
      if (this.windowBits < bits) this.truncated();
    }
    this.windowBits -= bits;
    const value = this.window >>> this.windowBits;
    this.window &= (1 << this.windowBits) - 1;
    return value;
  }

  /** Counts one bits up to the first zero (consumed), or up to `limit` ones (then no zero is read). */
  ones(limit: number): number {
    let count = 0;
    for (;;) {
      if (this.windowBits === 0) {
        this.refill();
        if (this.windowBits === 0) this.truncated();
      }
      // The window's zero bits, as ones: the highest tells where the run of ones ends.
      const zeros = ~this.window & ((1 << this.windowBits) - 1);
      const run = zeros === 0 ? this.windowBits : this.windowBits - (32 - Math.clz32(zeros));
      if (count + run >= limit) {
        this.windowBits -= limit - count;
        this.window &= (1 << this.windowBits) - 1;
        return limit;
      }
      count += run;
      if (zeros !== 0) {
        // The ones and their terminating zero.
        this.windowBits -= run + 1;
        this.window &= (1 << this.windowBits) - 1;
        return count;
      }
      this.windowBits = 0;
      this.window = 0;
    }
  }

  expGolomb(order: number): number {
    let zeros = 0;
    while (this.bit() === 0) {
      zeros++;
      if (zeros > MAX_EXP_GOLOMB_ZEROS) throw new RangeError(`corrupt number before byte ${this.offset}: ${zeros} leading zero bits`);
    }
    const width = zeros + order;
    // The leading one was read already.
    const rest = width === 0 ? 0 : this.bits(width);
    const value = 2 ** width + rest - 2 ** order;
    if (!Number.isSafeInteger(value)) throw new RangeError(`corrupt number before byte ${this.offset}: ${value} is not a safe integer`);
    return value;
  }

  /** True when only the zero padding of the last byte is left. */
  get atPaddedEnd(): boolean {
    return this.offset === this.buffer.length && this.windowBits < 8 && this.window === 0;
  }

  /** Where reading is, for error messages (bytes read ahead count as read). */
  get byteOffset(): number {
    return this.offset;
  }
}
