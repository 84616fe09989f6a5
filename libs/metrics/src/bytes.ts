/**
 * Minimal byte writer and reader with unsigned LEB128 varints, for the window
 * encoding. Varints keep small counters (most of them) to one or two bytes.
 * Arithmetic rather than bit operations, so values up to 2^53 survive.
 */
export class ByteWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode ${value}: not a whole number ≥ 0`);
    this.ensure(8);
    let rest = value;
    while (rest >= 0x80) {
      this.buffer[this.length++] = (rest % 0x80) + 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.length++] = rest;
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.ensure(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  string(value: string): void {
    this.bytes(Buffer.from(value, 'utf8'));
  }

  /** Appends bytes as they are, without their length. */
  raw(value: Uint8Array): void {
    this.ensure(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

export class ByteReader {
  private position = 0;

  constructor(private readonly buffer: Uint8Array) {}

  /** Bytes read so far. */
  get offset(): number {
    return this.position;
  }

  get done(): boolean {
    return this.position === this.buffer.length;
  }

  byte(): number {
    if (this.position >= this.buffer.length) throw new RangeError(`truncated at byte ${this.position}`);
    return this.buffer[this.position++]!;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      value += (b % 0x80) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
    throw new RangeError(`varint too long at byte ${this.position}`);
  }

  bytes(): Uint8Array {
    const length = this.varint();
    if (this.position + length > this.buffer.length) throw new RangeError(`truncated: ${length} bytes announced at byte ${this.position}`);
    const out = this.buffer.subarray(this.position, this.position + length);
    this.position += length;
    return out;
  }

  string(): string {
    return Buffer.from(this.bytes()).toString('utf8');
  }
}
