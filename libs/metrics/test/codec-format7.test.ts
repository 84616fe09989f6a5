import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { ERROR_KINDS } from '@loadtest/protocol';
import { histogramCounts } from '../src/histogram.js';
import { bucketsFromCounts } from '../src/counts.js';
import {
  createLatencyHistogram,
  decodeWindow,
  encodeWindow,
  encodeWindowFormat6,
  emptyErrorCounts,
  recordLatency,
  WindowRecorder,
  type StepMetrics,
  type Window,
} from '../src/index.js';

const HOUR_MICROS = 3_600_000_000;

/**
 * A window written by the format-6 encoder as it was (taken from it before format 7, not from the copy kept for
 * benchmarks): second 42, durationMs 998, dropped 3, vus 9; 'login' 7 responses (200 and 401, latencies 1 µs to
 * 1 h, a check passed); 'search' 40 responses (200 and 503, a timeout, a blocked, a check failed).
 */
const FORMAT_6_FIXTURE =
  'VwahASXMvwpBAQBG8fudey8pZLVT4iEMyuoZJKH8KZJJBoMkSZIw3EEyyGRSipJiMBk8gPIKVuHMp1/05TY92MVKrlB2XwN7W8Y/LjKHpuU3cHwwT2I5E3DVsulqJh85zrzHsKHfLC4KvU2rdEpgEyRGnBQZ6nTFVGzEQdzFU/REW/TFWDhiJbZiJ87iJh7iKmo0aNKioy8wEKMfMxcLsRRrMREf';

/** The window FORMAT_6_FIXTURE holds, recorded again. */
function fixtureWindow(): Window {
  const recorder = new WindowRecorder();
  [1, 850, 851, 20_000, 20_016, 20_016, HOUR_MICROS].forEach((micros, i) => recorder.recordResponse('login', i % 3 === 0 ? 200 : 401, 300 + i, 100, micros));
  for (let i = 0; i < 40; i++) recorder.recordResponse('search', i % 10 === 0 ? 503 : 200, 5000, 120, 10_000 + i * i * 37);
  recorder.recordError('search', 'timeout');
  recorder.recordError('search', 'blocked');
  recorder.recordCheck('login', true);
  recorder.recordCheck('search', false);
  recorder.recordDropped(3);
  return { ...recorder.take(42, 998), vus: 9 };
}

/** A seeded PRNG (mulberry32), so that the size comparison is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One worker's second as the ingest benchmark's default profile makes it (tools/bench/src/ingest/window-gen.ts,
 * which this library cannot import): ~`rps` responses over login (30 %, ~18 ms) and search (70 %, ~24 ms),
 * log-normal latencies with a slow tail, a few 4xx/5xx and timeouts.
 */
function profileWindow(rps: number, second: number, random: () => number): Window {
  const recorder = new WindowRecorder();
  const attempts = Math.max(1, Math.round(rps * (0.95 + 0.1 * random())));
  for (let i = 0; i < attempts; i++) {
    const login = random() < 0.3;
    const name = login ? 'login' : 'search';
    if (random() < 0.001) {
      recorder.recordError(name, 'timeout');
      continue;
    }
    const r = random();
    const status = r < 0.01 ? (login ? 401 : 404) : r < 0.013 ? 500 : 200;
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    let ms = Math.exp(Math.log(login ? 18 : 24) + (login ? 0.45 : 0.6) * normal);
    if (random() < 0.005) ms *= 12;
    recorder.recordResponse(name, status, status === 200 ? Math.round(2000 + 7000 * random()) : 120, login ? 180 : 120, ms * 1000);
  }
  return recorder.take(second, 1000);
}

/** A step's counters, read by name (a decoded step's status codes are a getter of its class, not an own property). */
function counters(step: StepMetrics) {
  const { requests, bytesIn, bytesOut, statusCodes, errors, checks } = step;
  return { requests, bytesIn, bytesOut, statusCodes, errors, checks };
}

/** Expects `back` to be `window` exactly: every counter, and every latency bucket as HDR counts it. */
function expectSameWindow(back: Window, window: Window): void {
  expect(back.second).toBe(window.second);
  expect(back.durationMs).toBe(window.durationMs);
  expect(back.dropped).toBe(window.dropped);
  expect(back.vus).toBe(window.vus ?? 0);
  expect([...back.steps.keys()]).toEqual([...window.steps.keys()]);
  for (const [name, step] of window.steps) {
    const decoded = back.steps.get(name)!;
    expect(counters(decoded)).toEqual(counters(step));
    expect(decoded.received!.latencyBuckets).toEqual(bucketsFromCounts(histogramCounts(step.latency)));
    // The histogram built from the buckets on demand is the one HDR decodes from its own counts, byte for byte.
    expect(Buffer.from(histogramCounts(decoded.latency)).toString('hex')).toBe(Buffer.from(histogramCounts(step.latency)).toString('hex'));
    expect(decoded.latency.totalCount).toBe(step.requests);
  }
}

const latency = fc.oneof(
  fc.constantFrom(1, 2, 2047, 2048, 2049, HOUR_MICROS, HOUR_MICROS - 1),
  fc.double({ min: 0, max: Math.log10(HOUR_MICROS), noNaN: true }).map((e) => Math.max(1, Math.round(10 ** e))),
);
/** Counts of 1 (most buckets), a few, or huge (to 2^40). */
const bucketCount = fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 2 ** 40 }));
const counter = fc.oneof(fc.constant(0), fc.nat({ max: 300 }), fc.nat({ max: 2 ** 50 }));

const stepArbitrary = fc.record({
  latencies: fc.array(fc.tuple(latency, bucketCount), { maxLength: 300 }),
  bytesIn: counter,
  bytesOut: counter,
  errors: fc.array(counter, { minLength: ERROR_KINDS.length, maxLength: ERROR_KINDS.length }),
  checks: fc.tuple(counter, counter),
  statusCodes: fc.dictionary(fc.integer({ min: 100, max: 599 }).map(String), fc.integer({ min: 1, max: 2 ** 40 }), { maxKeys: 12 }),
});

const windowArbitrary = fc.record({
  second: fc.oneof(fc.nat({ max: 200 }), fc.nat({ max: 2 ** 40 })),
  durationMs: fc.integer({ min: 0, max: 60_000 }),
  dropped: counter,
  vus: fc.option(counter, { nil: undefined }),
  steps: fc.uniqueArray(fc.tuple(fc.string({ maxLength: 30 }), stepArbitrary), { maxLength: 40, selector: ([name]) => name }),
});

function toWindow(generated: typeof windowArbitrary extends fc.Arbitrary<infer T> ? T : never): Window {
  const steps = new Map<string, StepMetrics>();
  for (const [name, s] of generated.steps) {
    const histogram = createLatencyHistogram();
    for (const [micros, count] of s.latencies) histogram.recordValueWithCount(micros, count);
    const errors = emptyErrorCounts();
    ERROR_KINDS.forEach((kind, i) => (errors[kind] = s.errors[i]!));
    steps.set(name, {
      requests: histogram.totalCount,
      bytesIn: s.bytesIn,
      bytesOut: s.bytesOut,
      statusCodes: s.statusCodes,
      errors,
      checks: { passed: s.checks[0], failed: s.checks[1] },
      latency: histogram,
    });
  }
  return { second: generated.second, durationMs: generated.durationMs, dropped: generated.dropped, vus: generated.vus, steps };
}

describe('window format 7', () => {
  it('round-trips any window exactly: latencies from 1 µs to 1 h, empty steps, up to 40 steps, counts to 2^40 (300 runs)', () => {
    fc.assert(
      fc.property(windowArbitrary, (generated) => {
        const window = toWindow(generated);
        const bytes = encodeWindow(window);
        expect(bytes[1]).toBe(7);
        expectSameWindow(decodeWindow(bytes), window);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips an empty window, an empty step, and one response at each end of the range', () => {
    const empty = new WindowRecorder().take(0, 1000);
    expectSameWindow(decodeWindow(encodeWindow(empty)), empty);
    const recorder = new WindowRecorder();
    recorder.recordError('idle', 'refused');
    recorder.recordResponse('fast', 200, 1, 1, 0.2);
    recorder.recordResponse('slow', 504, 1, 1, 10 * HOUR_MICROS);
    const window = recorder.take(7, 1000);
    const back = decodeWindow(encodeWindow(window));
    expectSameWindow(back, window);
    expect(back.steps.get('idle')!.latency.totalCount).toBe(0);
    expect(back.steps.get('fast')!.latency.minNonZeroValue).toBe(1);
    expect(back.steps.get('slow')!.latency.maxValue).toBeGreaterThanOrEqual(HOUR_MICROS);
  });

  it('re-encodes a decoded window (whose counts are HDR bytes already) to the same bytes', () => {
    const window = profileWindow(200, 3, seeded(3));
    const bytes = encodeWindow(window);
    expect(Buffer.from(encodeWindow(decodeWindow(bytes))).equals(Buffer.from(bytes))).toBe(true);
  });

  it('still decodes format 6 as written before format 7', () => {
    const bytes = Buffer.from(FORMAT_6_FIXTURE, 'base64');
    expect(bytes[1]).toBe(6);
    expectSameWindow(decodeWindow(bytes), fixtureWindow());
    // The writer kept for benchmarks writes those very bytes.
    expect(Buffer.from(encodeWindowFormat6(fixtureWindow())).toString('base64')).toBe(FORMAT_6_FIXTURE);
  });

  it('decodes a window written in format 6 and in format 7 alike', () => {
    const random = seeded(11);
    for (let second = 0; second < 20; second++) {
      const window = profileWindow(second % 2 === 0 ? 200 : 1000, second, random);
      const old = decodeWindow(encodeWindowFormat6(window));
      const current = decodeWindow(encodeWindow(window));
      expectSameWindow(old, window);
      expectSameWindow(current, window);
      for (const [name, step] of old.steps) expect(current.steps.get(name)!.received).toEqual(step.received);
    }
  });

  it('is markedly smaller than format 6 on default-profile windows (200 responses/s), mean over 200 seeded windows', () => {
    const random = seeded(1);
    let format6 = 0;
    let format7 = 0;
    for (let second = 0; second < 200; second++) {
      const window = profileWindow(200, second, random);
      format6 += encodeWindowFormat6(window).length;
      format7 += encodeWindow(window).length;
    }
    // Measured: ~355 and ~225 bytes; storage per worker-hour must stay under 10^6 bytes (277 per window).
    expect(format7 / 200).toBeLessThan(240);
    expect(format7).toBeLessThan(format6 * 0.75);
  });

  it('is smaller than format 6 for 1, 10, 1000 and 10000 responses, an empty window and one of many steps and status codes', () => {
    const random = seeded(2);
    const cases: Array<[string, Window]> = [
      ['empty', new WindowRecorder().take(5, 1000)],
      ...[1, 10, 1000, 10_000].map((rps): [string, Window] => [`${rps} responses`, profileWindow(rps, 100, random)]),
    ];
    const many = new WindowRecorder();
    const codes = [200, 201, 204, 301, 302, 400, 401, 403, 404, 429, 500, 502, 503, 504];
    for (let i = 0; i < 3000; i++) many.recordResponse(`step number ${i % 40}`, codes[i % codes.length]!, 1000, 100, 1000 + random() * 1e6);
    cases.push(['40 steps, 14 status codes', many.take(100, 1000)]);
    for (const [label, window] of cases) {
      const sizes = { label, format6: encodeWindowFormat6(window).length, format7: encodeWindow(window).length };
      expect(sizes.format7 < sizes.format6 ? 'smaller' : sizes).toBe('smaller');
    }
  });

  describe('refuses corrupt input with a reason', () => {
    const window = profileWindow(200, 9, seeded(9));
    const bytes = encodeWindow(window);

    it('every truncation', () => {
      for (let length = 0; length < bytes.length; length++) {
        expect(() => decodeWindow(bytes.subarray(0, length))).toThrow(/invalid encoded window: /);
      }
    });

    it('a byte appended', () => {
      expect(() => decodeWindow(Uint8Array.from([...bytes, 0]))).toThrow(/trailing bytes/);
      expect(() => decodeWindow(Uint8Array.from([...bytes, 0x80]))).toThrow(/trailing bytes/);
    });

    it('requests that disagree with the latency counts, naming the step', () => {
      const recorder = new WindowRecorder();
      recorder.recordResponse('home', 200, 10, 10, 900);
      recorder.recordResponse('home', 200, 10, 10, 901);
      const good = encodeWindow(recorder.take(1, 1000));
      // 'W' 7 steps×2 second duration dropped vus, then the name (length 4 + "home"), then requests (2).
      const requestsAt = 2 + 1 + 4 + 5;
      expect(good[requestsAt]).toBe(2);
      const more = Uint8Array.from(good);
      more[requestsAt] = 3;
      expect(() => decodeWindow(more)).toThrow(/step "home": 3 requests but the latency counts do not match/);
      const fewer = Uint8Array.from(good);
      fewer[requestsAt] = 1;
      // Fewer: the counts of the requests announced end early, and what is left of them is caught as trailing bits.
      expect(() => decodeWindow(fewer)).toThrow(/trailing bytes \(or bits\) after the last step/);
    });

    it('a step count larger than the steps written', () => {
      const more = Uint8Array.from(bytes);
      more[2] = bytes[2]! + 2;
      expect(() => decodeWindow(more)).toThrow(/invalid encoded window: /);
    });

    it('a corrupt deflated header', () => {
      const many = new WindowRecorder();
      for (let i = 0; i < 30; i++) many.recordResponse(`a rather long step name ${i}`, 200, 1, 1, 1000 + i);
      const window = many.take(0, 1000);
      const deflated = encodeWindow(window);
      // The header was deflated (the flag beside the step count), and reads back.
      expect(deflated[2]! % 2).toBe(1);
      expectSameWindow(decodeWindow(deflated), window);
      const corrupt = Uint8Array.from(deflated);
      corrupt[5] = 0xff;
      corrupt[6] = 0xff;
      expect(() => decodeWindow(corrupt)).toThrow(/invalid encoded window: (corrupt compressed header|.*latency counts|trailing)/);
    });

    it('an encoder asked for a step whose requests disagree with its latencies, naming the step', () => {
      const recorder = new WindowRecorder();
      recorder.recordResponse('home', 200, 10, 10, 900);
      const inconsistent = recorder.take(1, 1000);
      inconsistent.steps.get('home')!.requests = 2;
      expect(() => encodeWindow(inconsistent)).toThrow(/cannot encode step "home": 2 requests but 1 latencies/);
    });
  });

  it('keeps every response of a heavy window (10000 responses/s)', () => {
    const window = profileWindow(10_000, 1, seeded(4));
    const reference = createLatencyHistogram();
    for (const step of window.steps.values()) reference.add(step.latency);
    const back = decodeWindow(encodeWindow(window));
    const merged = createLatencyHistogram();
    for (const step of back.steps.values()) merged.add(step.latency);
    expect(merged.totalCount).toBe(reference.totalCount);
    expect(merged.getValueAtPercentile(99.9)).toBe(reference.getValueAtPercentile(99.9));
    recordLatency(merged, 1);
    expect(merged.totalCount).toBe(reference.totalCount + 1);
  });
});
