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

export class BitReader {
  private offset: number;
  private current = 0;
  /** Bits of `current` not read yet (its lowest ones). */
  private currentBits = 0;

  constructor(
    private readonly buffer: Uint8Array,
    start = 0,
  ) {
    this.offset = start;
  }

  private next(): void {
    if (this.offset >= this.buffer.length) throw new RangeError(`latency counts truncated at byte ${this.offset}`);
    this.current = this.buffer[this.offset++]!;
    this.currentBits = 8;
  }

  bit(): number {
    if (this.currentBits === 0) this.next();
    this.currentBits -= 1;
    return (this.current >>> this.currentBits) & 1;
  }

  bits(bits: number): number {
    if (bits > CHUNK_BITS) {
      const high = this.bits(bits - CHUNK_BITS);
      return high * CHUNK + this.bits(CHUNK_BITS);
    }
    let value = 0;
    let wanted = bits;
    while (wanted > 0) {
      if (this.currentBits === 0) this.next();
      const take = Math.min(wanted, this.currentBits);
      this.currentBits -= take;
      value = (value << take) | ((this.current >>> this.currentBits) & ((1 << take) - 1));
      wanted -= take;
    }
    return value;
  }

  /** Counts one bits up to the first zero (consumed), or up to `limit` ones (then no zero is read). */
  ones(limit: number): number {
    let count = 0;
    while (count < limit && this.bit() === 1) count++;
    return count;
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
    return this.offset === this.buffer.length && (this.current & ((1 << this.currentBits) - 1)) === 0;
  }

  get byteOffset(): number {
    return this.offset;
  }
}
