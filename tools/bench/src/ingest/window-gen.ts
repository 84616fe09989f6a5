import { encodeWindow, WindowRecorder, type Window } from '@loadtest/metrics';

/**
 * Realistic one-second windows for simulated workers: what a worker running a
 * two-step plan (login, search) against a web application would measure —
 * log-normal latencies around ~20 ms with a slow tail, a few 4xx/5xx, an
 * occasional timeout. Deterministic for a given seed.
 */

export interface StepProfile {
  name: string;
  /** Fraction of the requests that go to this step (the fractions add up to 1). */
  share: number;
  /** Median latency, ms. */
  medianMs: number;
  /** Standard deviation of ln(latency). */
  sigma: number;
  bytesOut: number;
  bytesInMin: number;
  bytesInMax: number;
  /** Status of a client error for this step (e.g. 401 on login, 404 on search). */
  clientErrorStatus: number;
}

export interface TrafficProfile {
  /** Requests per second of one worker. */
  rps: number;
  steps: StepProfile[];
  /** Probability that a request is answered 4xx. */
  clientErrorRate: number;
  /** Probability that a request is answered 5xx (500 or 503). */
  serverErrorRate: number;
  /** Probability that a request times out (an error, not a response). */
  timeoutRate: number;
  /** Probability that a response is slow (latency × `slowFactor`): the tail. */
  slowRate: number;
  slowFactor: number;
}

export function defaultProfile(rps = 200): TrafficProfile {
  return {
    rps,
    steps: [
      { name: 'login', share: 0.3, medianMs: 18, sigma: 0.45, bytesOut: 180, bytesInMin: 350, bytesInMax: 450, clientErrorStatus: 401 },
      { name: 'search', share: 0.7, medianMs: 24, sigma: 0.6, bytesOut: 120, bytesInMin: 2_000, bytesInMax: 9_000, clientErrorStatus: 404 },
    ],
    clientErrorRate: 0.01,
    serverErrorRate: 0.003,
    timeoutRate: 0.001,
    slowRate: 0.005,
    slowFactor: 12,
  };
}

/** A small, fast, seedable PRNG (mulberry32); returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal variate (Box–Muller). */
function normal(random: () => number): number {
  const u = 1 - random(); // (0, 1]
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface GeneratedWindow {
  second: number;
  /** The encoded window, base64, as a `run.window` message carries it. */
  data: string;
  /** Size of the encoded window in bytes (before base64). */
  encodedBytes: number;
  /** Responses in the window (what the master counts as requests). */
  requests: number;
  /** Requests that ended in an error (timeouts) instead of a response. */
  errors: number;
}

/** Measures one simulated second: about `rps` requests (±5 %), spread over the profile's steps. */
export function generateWindow(profile: TrafficProfile, second: number, random: () => number): { window: Window; requests: number; errors: number } {
  const recorder = new WindowRecorder();
  const attempts = Math.max(1, Math.round(profile.rps * (0.95 + 0.1 * random())));
  let requests = 0;
  let errors = 0;
  for (let i = 0; i < attempts; i++) {
    const step = pickStep(profile.steps, random());
    if (random() < profile.timeoutRate) {
      recorder.recordError(step.name, 'timeout');
      errors += 1;
      continue;
    }
    const r = random();
    const status =
      r < profile.clientErrorRate ? step.clientErrorStatus : r < profile.clientErrorRate + profile.serverErrorRate ? (random() < 0.7 ? 500 : 503) : 200;
    let latencyMs = Math.exp(Math.log(step.medianMs) + step.sigma * normal(random));
    if (random() < profile.slowRate) latencyMs *= profile.slowFactor;
    const bytesIn = status === 200 ? Math.round(step.bytesInMin + (step.bytesInMax - step.bytesInMin) * random()) : 120;
    recorder.recordResponse(step.name, status, bytesIn, step.bytesOut, latencyMs * 1000);
    requests += 1;
  }
  return { window: recorder.take(second, 1000), requests, errors };
}

function pickStep(steps: readonly StepProfile[], r: number): StepProfile {
  let acc = 0;
  for (const step of steps) {
    acc += step.share;
    if (r < acc) return step;
  }
  return steps[steps.length - 1]!;
}

export function generateEncodedWindow(profile: TrafficProfile, second: number, random: () => number): GeneratedWindow {
  const { window, requests, errors } = generateWindow(profile, second, random);
  const bytes = encodeWindow(window);
  return { second, data: Buffer.from(bytes).toString('base64'), encodedBytes: bytes.byteLength, requests, errors };
}

/**
 * Windows for many simulated workers at little CPU: for each second, `size`
 * distinct windows are measured and encoded (each carries that second), and
 * worker `i` sends entry `(i + second) % size`. Every worker still sends a
 * different-looking window from one second to the next, and the master still
 * decodes, stores and merges each one.
 */
export class WindowPool {
  private readonly random: () => number;
  private readonly bySecond = new Map<number, GeneratedWindow[]>();

  constructor(
    private readonly profile: TrafficProfile,
    readonly size: number,
    seed: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('pool size must be a positive whole number');
    this.random = mulberry32(seed);
  }

  /** The windows of one second, measured on first use and kept (a run's seconds are few). */
  forSecond(second: number): GeneratedWindow[] {
    let pool = this.bySecond.get(second);
    if (!pool) {
      pool = Array.from({ length: this.size }, () => generateEncodedWindow(this.profile, second, this.random));
      this.bySecond.set(second, pool);
    }
    return pool;
  }

  windowFor(workerIndex: number, second: number): GeneratedWindow {
    const pool = this.forSecond(second);
    return pool[(workerIndex + second) % pool.length]!;
  }

  /** Forgets every second's windows (between runs). */
  clear(): void {
    this.bySecond.clear();
  }
}
