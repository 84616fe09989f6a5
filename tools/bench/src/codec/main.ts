/**
 * Window codec benchmark: format 7 (written) against format 6 (written before it), side by side in one process, on
 * the same seeded default-profile windows (ingest/window-gen.ts: 200 responses/s over two steps). Writes bytes per
 * window (mean, median) and the median µs per encode and per decode over several rounds.
 *
 *   npm run bench:codec                                   500 windows × 9 rounds → bench-results/codec.json
 *   npm run bench:codec -- --windows 50 --rounds 3 --out bench-results/codec.tmp    a smoke run
 */
import { decodeWindow, encodeWindow, encodeWindowFormat6, WindowRecorder, type Window } from '@loadtest/metrics';
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
const ratio = (value: number, reference: number) => Math.round((value / reference) * 1000) / 1000;

const loadAverage1mAtStart = round1(loadavg()[0]!);
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

/** One format's figures, as written to the result file. */
function figures(name: Format['name']) {
  const r = results.find((candidate) => candidate.format.name === name)!;
  const mean = r.sizes.reduce((sum, n) => sum + n, 0) / r.sizes.length;
  return {
    meanBytes: round1(mean),
    medianBytes: median(r.sizes),
    minBytes: Math.min(...r.sizes),
    maxBytes: Math.max(...r.sizes),
    bytesPerWorkerHour: Math.round(mean * HOUR_SECONDS),
    encodeMicrosMedian: round1(median(r.encodeMicros)),
    decodeMicrosMedian: round1(median(r.decodeMicros)),
    encodeMicrosPerRound: r.encodeMicros.map(round1),
    decodeMicrosPerRound: r.decodeMicros.map(round1),
  };
}
const summary = { format6: figures('format6'), format7: figures('format7') };

/** Other shapes of window, seeded, for the sizes only: no format may grow where it matters. */
function sizeCases(): Record<string, { format6Bytes: number; format7Bytes: number }> {
  const caseRandom = mulberry32(SEED + 1);
  const cases: Record<string, Window> = { empty: new WindowRecorder().take(0, 1000) };
  for (const rps of [1, 10, 1000, 2000, 10_000]) cases[`${rps} responses/s`] = generateWindow(defaultProfile(rps), 0, caseRandom).window;
  const many = new WindowRecorder();
  const codes = [200, 201, 204, 301, 302, 400, 401, 403, 404, 429, 500, 502, 503, 504];
  for (let i = 0; i < 3000; i++) many.recordResponse(`step number ${i % 40}`, codes[i % codes.length]!, 1000, 100, 1000 + caseRandom() * 1e6);
  cases['40 steps, 14 status codes, 3000 responses'] = many.take(0, 1000);
  return Object.fromEntries(
    Object.entries(cases).map(([label, window]) => [label, { format6Bytes: encodeWindowFormat6(window).length, format7Bytes: encodeWindow(window).length }]),
  );
}

const result = {
  benchmark: 'codec',
  command: `npm run bench:codec -- --windows ${windowCount} --rounds ${rounds}`,
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  loadAverage1mAtStart,
  windows: { count: windowCount, profile: 'defaultProfile() of tools/bench/src/ingest/window-gen.ts (200 responses/s, 2 steps)', seed: SEED },
  note: 'bytes: the encoded window (what PostgreSQL stores, before any row overhead); µs: per window, median of the rounds; decode without building histograms (the master merges from the counts)',
  ...summary,
  format7AgainstFormat6: {
    meanBytesRatio: ratio(summary.format7.meanBytes, summary.format6.meanBytes),
    encodeMicrosRatio: ratio(summary.format7.encodeMicrosMedian, summary.format6.encodeMicrosMedian),
    decodeMicrosRatio: ratio(summary.format7.decodeMicrosMedian, summary.format6.decodeMicrosMedian),
    // Per round, both formats measured back to back: steadier than the ratio of medians on a busy machine.
    decodeMicrosRatioPairedMedian: ratio(median(summary.format7.decodeMicrosPerRound.map((micros, i) => micros / summary.format6.decodeMicrosPerRound[i]!)), 1),
    encodeMicrosRatioPairedMedian: ratio(median(summary.format7.encodeMicrosPerRound.map((micros, i) => micros / summary.format6.encodeMicrosPerRound[i]!)), 1),
  },
  sizeCases: sizeCases(),
  loadAverage1mAtEnd: round1(loadavg()[0]!),
};

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `${FORMATS.map((f) => `${f.name}: ${summary[f.name].meanBytes} B mean, ${summary[f.name].medianBytes} B median, encode ${summary[f.name].encodeMicrosMedian} µs, decode ${summary[f.name].decodeMicrosMedian} µs`).join('\n')}\nwritten to ${out}\n`,
);
