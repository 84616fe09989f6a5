import { encodeWindow, WindowRecorder, type Window } from '@loadtest/metrics';

/**
 * One-second windows like a worker measures them against a web application (two steps, log-normal latencies
 * around 20 ms with a slow tail, a few 4xx/5xx and timeouts), deterministic for a seed: the same traffic as
 * tools/bench/src/ingest/window-gen.ts, which apps may not import. Every call measures a new window, so no two
 * workers' windows are alike (identical windows would let PostgreSQL compress a pack's bytes unrealistically).
 */

/** mulberry32: a small seedable PRNG, floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STEPS = [
  { name: 'login', share: 0.3, medianMs: 18, sigma: 0.45, bytesOut: 180, bytesIn: [350, 450], clientError: 401 },
  { name: 'search', share: 0.7, medianMs: 24, sigma: 0.6, bytesOut: 120, bytesIn: [2_000, 9_000], clientError: 404 },
] as const;

/** About `rps` requests (±5 %) of one second. */
export function realisticWindow(second: number, random: () => number, rps = 200): Window {
  const recorder = new WindowRecorder();
  const attempts = Math.round(rps * (0.95 + 0.1 * random()));
  for (let i = 0; i < attempts; i++) {
    const step = random() < STEPS[0].share ? STEPS[0] : STEPS[1];
    if (random() < 0.001) {
      recorder.recordError(step.name, 'timeout');
      continue;
    }
    const r = random();
    const status = r < 0.01 ? step.clientError : r < 0.013 ? (random() < 0.7 ? 500 : 503) : 200;
    // Box–Muller: a standard normal variate for the log-latency.
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    let latencyMs = Math.exp(Math.log(step.medianMs) + step.sigma * normal);
    if (random() < 0.005) latencyMs *= 12;
    const bytesIn = status === 200 ? Math.round(step.bytesIn[0] + (step.bytesIn[1] - step.bytesIn[0]) * random()) : 120;
    recorder.recordResponse(step.name, status, bytesIn, step.bytesOut, latencyMs * 1000);
  }
  return recorder.take(second, 1000);
}

export function encodedBase64(window: Window): string {
  return Buffer.from(encodeWindow(window)).toString('base64');
}
