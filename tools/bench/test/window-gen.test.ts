import { decodeWindowBase64, windowTotals } from '@loadtest/metrics';
import { describe, expect, it } from '@jest/globals';
import { defaultProfile, generateEncodedWindow, mulberry32, WindowPool } from '../src/ingest/window-gen.js';

describe('window generator', () => {
  it('produces windows the master can decode, carrying the right second and request count', () => {
    const random = mulberry32(42);
    for (const second of [0, 1, 59, 3599]) {
      const generated = generateEncodedWindow(defaultProfile(200), second, random);
      const window = decodeWindowBase64(generated.data);
      expect(window.second).toBe(second);
      expect(window.durationMs).toBe(1000);
      expect([...window.steps.keys()].sort()).toEqual(['login', 'search']);
      const totals = windowTotals(window);
      expect(totals.requests).toBe(generated.requests);
      expect(totals.latency.totalCount).toBe(generated.requests);
      expect(totals.errors.timeout).toBe(generated.errors);
      // About 200 requests per second (±5 %), most of them answered.
      expect(generated.requests + generated.errors).toBeGreaterThanOrEqual(190);
      expect(generated.requests + generated.errors).toBeLessThanOrEqual(210);
      expect(generated.encodedBytes).toBe(Buffer.from(generated.data, 'base64').byteLength);
    }
  });

  it('looks like a web application: mostly 200, a few 4xx/5xx, latencies around 20 ms', () => {
    const random = mulberry32(7);
    let ok = 0;
    let other = 0;
    const medians: number[] = [];
    for (let s = 0; s < 50; s++) {
      const totals = windowTotals(decodeWindowBase64(generateEncodedWindow(defaultProfile(200), s, random).data));
      for (const [code, n] of Object.entries(totals.statusCodes)) {
        if (code === '200') ok += n;
        else other += n;
      }
      medians.push(totals.latency.getValueAtPercentile(50));
    }
    expect(other / (ok + other)).toBeGreaterThan(0.002);
    expect(other / (ok + other)).toBeLessThan(0.05);
    const median = medians.sort((a, b) => a - b)[25]!;
    expect(median).toBeGreaterThan(15_000);
    expect(median).toBeLessThan(30_000);
  });

  it('scales the request count with the configured rate', () => {
    const generated = generateEncodedWindow(defaultProfile(1000), 3, mulberry32(1));
    expect(generated.requests + generated.errors).toBeGreaterThanOrEqual(950);
  });

  it('is deterministic for a seed', () => {
    const a = generateEncodedWindow(defaultProfile(), 5, mulberry32(9));
    const b = generateEncodedWindow(defaultProfile(), 5, mulberry32(9));
    expect(a).toEqual(b);
  });
});

describe('window pool', () => {
  it('gives each worker a window of the asked second, rotating over the pool', () => {
    const pool = new WindowPool(defaultProfile(100), 4, 1);
    for (const second of [0, 1, 2]) {
      for (let worker = 0; worker < 10; worker++) {
        const w = pool.windowFor(worker, second);
        expect(w.second).toBe(second);
        expect(decodeWindowBase64(w.data).second).toBe(second);
      }
    }
    expect(pool.windowFor(0, 1)).toBe(pool.forSecond(1)[1]);
    expect(pool.windowFor(3, 2)).toBe(pool.forSecond(2)[1]);
    expect(pool.forSecond(1)).toHaveLength(4);
  });

  it('refuses an empty pool', () => {
    expect(() => new WindowPool(defaultProfile(), 0, 1)).toThrow(RangeError);
  });
});
