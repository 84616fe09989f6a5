/**
 * Window codec benchmark: format 7 (written) against format 6 (written before it), side by side in one process, on
 * the same seeded default-profile windows (ingest/window-gen.ts: 200 responses/s over two steps). Writes bytes per
 * window (mean, median) and the median µs per encode and per decode over several rounds.
 *
 *   npm run bench:codec                                   500 windows × 9 rounds → bench-results/codec.json
 *   npm run bench:codec -- --windows 50 --rounds 3 --out bench-results/codec.tmp    a smoke run
 */
import { decodeWindow, encodeWindow, encodeWindowFormat6, type Window } from '@loadtest/metrics';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultProfile, generateWindow, mulberry32 } from '../ingest/window-gen.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SEED = 1;
const HOUR_SECONDS = 3600;

const { values } = parseArgs({
  options: {
    windows: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '9' },
    out: { type: 'string', default: 'bench-results/codec.json' },
  },
});
const windowCount = Number(values.windows);
const rounds = Number(values.rounds);
if (!Number.isInteger(windowCount) || windowCount < 1 || windowCount > 100_000) throw new Error(`--windows must be 1..100000, not ${values.windows}`);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new Error(`--rounds must be 1..100, not ${values.rounds}`);
const out = isAbsolute(values.out) ? values.out : resolve(REPO_ROOT, values.out);

interface Format {
  name: 'format6' | 'format7';
  encode(window: Window): Uint8Array;
}
const FORMATS: readonly Format[] = [
  { name: 'format6', encode: encodeWindowFormat6 },
  { name: 'format7', encode: encodeWindow },
];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

const random = mulberry32(SEED);
const windows = Array.from({ length: windowCount }, (_, second) => generateWindow(defaultProfile(), second, random).window);

/** µs per window of one pass of `work` over every window. */
function timePass(work: (index: number) => void): number {
  const start = performance.now();
  for (let i = 0; i < windowCount; i++) work(i);
  return ((performance.now() - start) * 1000) / windowCount;
}

const results = FORMATS.map((format) => {
  const encoded = windows.map((window) => format.encode(window));
  // Each format must read back what it wrote, or its figures mean nothing.
  encoded.forEach((bytes, i) => {
    const back = decodeWindow(bytes);
    const requests = [...back.steps.values()].reduce((sum, step) => sum + step.requests, 0);
    const expected = [...windows[i]!.steps.values()].reduce((sum, step) => sum + step.requests, 0);
    if (requests !== expected) throw new Error(`${format.name}: window ${i} decoded with ${requests} requests instead of ${expected}`);
  });
  const sizes = encoded.map((bytes) => bytes.length);
  return { format, encoded, sizes, encodeMicros: [] as number[], decodeMicros: [] as number[] };
});

// One unmeasured round warms the JIT; then the formats alternate within each round, so that both see the same machine.
for (let round = 0; round <= rounds; round++) {
  for (const result of round % 2 === 0 ? results : [...results].reverse()) {
    const encodeMicros = timePass((i) => result.format.encode(windows[i]!));
    const decodeMicros = timePass((i) => decodeWindow(result.encoded[i]!));
    if (round === 0) continue;
    result.encodeMicros.push(encodeMicros);
    result.decodeMicros.push(decodeMicros);
  }
}

const summary = Object.fromEntries(
  results.map((r) => {
    const mean = r.sizes.reduce((sum, n) => sum + n, 0) / r.sizes.length;
    return [
      r.format.name,
      {
        meanBytes: round1(mean),
        medianBytes: median(r.sizes),
        minBytes: Math.min(...r.sizes),
        maxBytes: Math.max(...r.sizes),
        bytesPerWorkerHour: Math.round(mean * HOUR_SECONDS),
        encodeMicrosMedian: round1(median(r.encodeMicros)),
        decodeMicrosMedian: round1(median(r.decodeMicros)),
        encodeMicrosPerRound: r.encodeMicros.map(round1),
        decodeMicrosPerRound: r.decodeMicros.map(round1),
      },
    ];
  }),
) as Record<Format['name'], { meanBytes: number; medianBytes: number; decodeMicrosMedian: number; encodeMicrosMedian: number }>;

const result = {
  benchmark: 'codec',
  command: `npm run bench:codec -- --windows ${windowCount} --rounds ${rounds}`,
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  loadAverage1m: round1(loadavg()[0]!),
  windows: { count: windowCount, profile: 'defaultProfile() of tools/bench/src/ingest/window-gen.ts (200 responses/s, 2 steps)', seed: SEED },
  note: 'bytes: the encoded window (what PostgreSQL stores, before any row overhead); µs: per window, median of the rounds; decode without building histograms (the master merges from the counts)',
  ...summary,
  format7AgainstFormat6: {
    meanBytesRatio: Math.round((summary.format7.meanBytes / summary.format6.meanBytes) * 1000) / 1000,
    decodeMicrosRatio: Math.round((summary.format7.decodeMicrosMedian / summary.format6.decodeMicrosMedian) * 1000) / 1000,
    encodeMicrosRatio: Math.round((summary.format7.encodeMicrosMedian / summary.format6.encodeMicrosMedian) * 1000) / 1000,
  },
};

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `${FORMATS.map((f) => `${f.name}: ${summary[f.name].meanBytes} B mean, ${summary[f.name].medianBytes} B median, encode ${summary[f.name].encodeMicrosMedian} µs, decode ${summary[f.name].decodeMicrosMedian} µs`).join('\n')}\nwritten to ${out}\n`,
);
