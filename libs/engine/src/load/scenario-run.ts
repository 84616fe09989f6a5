import { performance } from 'node:perf_hooks';
import { arrivalsShare, gracefulStopSeconds, isClosedModel, modelDuration, segmentConnections, vusShare } from '@loadtest/execution';
import type { ErrorKind, Scenario, Segment } from '@loadtest/protocol';
import type { FlowProgram, GeneratorRequest } from '@loadtest/plan/flow';
import { startGenerator, type GeneratorOptions, type RunningGenerator } from './generator.js';
import { ArrivalPacer } from './pacing/arrival-pacer.js';
import { VuPacer } from './pacing/vu-pacer.js';

export interface ScenarioRunOptions {
  scenario: Scenario;
  segment: Segment;
  /** performance.now() at the run's start instant; the scenario starts `startTime` seconds later. */
  runStart: number;
  baseUrl: string;
  /** The checked address the connections go to (GeneratorOptions.connect). */
  connect?: GeneratorOptions['connect'];
  requests: GeneratorRequest[];
  /** Set when the plan runs as a flow: this scenario's connections are the share's from `firstConnection` on. */
  flow?: { program: FlowProgram; firstConnection: number };
  timeoutSeconds: number;
  onResponse(request: number, statusCode: number, bytesIn: number, bytesOut: number, latencyMicros: number): void;
  onError(request: number, kind: ErrorKind): void;
  /** Arrivals that were due while every connection of the budget was busy. */
  onDropped(count: number): void;
}

/** How often a closed model's VU count is brought to the plan (a ramp moves at most this far behind it). */
const VU_UPDATE_MS = 50;
/** The longest an open model's scheduler sleeps, so that a rate change or a stop is seen soon. */
const MAX_ARRIVAL_SLEEP_MS = 50;
/** A share that begins later than this after its scenario's start does not send the arrivals due before it began. */
const LATE_START_MS = 1000;
/** Above this many arrivals due at one wake-up, their due instants are spread evenly instead of solved one by one. */
const SOLVED_ARRIVALS = 3;

function flowOf({ program, firstConnection }: { program: FlowProgram; firstConnection: number }) {
  return { user: (slot: number) => program.user(firstConnection + slot), target: program.target };
}

/**
 * Runs this worker's share of one scenario: opens the connections the share
 * needs (`open()`, ahead of the start instant), and from `start()` paces them by the model, evaluated for this worker's segment
 * alone (its VUs at each instant, or its cumulative arrivals by each instant).
 */
export class ScenarioRun {
  private generator: RunningGenerator | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  readonly connections: number;
  private readonly startMs: number;
  private readonly endMs: number;
  private unpaced = false;
  private readonly vuPacer = new VuPacer();
  private readonly arrivalPacer = new ArrivalPacer();

  constructor(private readonly options: ScenarioRunOptions) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.connections = segmentConnections(options.segment, options.scenario);
    this.startMs = options.runStart + options.scenario.startTime * 1000;
    this.endMs = this.startMs + modelDuration(options.scenario) * 1000;
  }

  /**
   * Opens the connections the scenario needs (ahead of the run's start
   * instant); resolves once every one has connected, or the scenario has ended.
   * Nothing is sent before `start()`.
   */
  open(): Promise<void> {
    if (this.connections === 0) {
      this.finish();
      return Promise.resolve();
    }
    const { scenario } = this.options;
    // A constant-vus scenario that starts with the run keeps every connection busy from start to end: no pacing
    // needed. Only for one request: the gate is what names the step of a request that timed out in a sequence.
    this.unpaced = !this.options.flow && this.options.requests.length === 1 && scenario.executor === 'constant-vus' && scenario.startTime === 0;
    // Until the pacing starts, the VU count is 0 and no arrival is due: a connection that connects waits.
    this.generator = startGenerator({
      baseUrl: this.options.baseUrl,
      ...(this.options.connect ? { connect: this.options.connect } : {}),
      connections: this.connections,
      requests: this.options.requests,
      ...(this.options.flow ? { flow: flowOf(this.options.flow) } : {}),
      timeoutSeconds: this.options.timeoutSeconds,
      ...(this.unpaced ? {} : { pacer: isClosedModel(scenario) ? this.vuPacer : this.arrivalPacer }),
      onResponse: this.options.onResponse,
      onError: this.options.onError,
    });
    this.generator.done.then(
      () => this.finish(),
      () => this.finish(),
    );
    return this.generator.connected;
  }

  /** Starts sending: the pacing runs from the scenario's own start (opens the connections first if `open()` was not called). */
  start(): void {
    if (!this.generator) void this.open();
    if (this.finished || !this.generator) return;
    if (this.unpaced) {
      this.generator.release();
      this.timer = setTimeout(() => void this.end(), Math.max(0, this.endMs - performance.now()));
    } else if (isClosedModel(this.options.scenario)) this.paceVus(this.vuPacer);
    else this.paceArrivals(this.arrivalPacer);
  }

  /**
   * The scenario's planned end: no new iteration starts; those in progress
   * have the scenario's gracefulStop to end, then what is still in flight
   * counts as `interrupted`.
   */
  async end(): Promise<void> {
    clearTimeout(this.timer);
    if (!this.generator) return this.finish();
    await this.generator.end(gracefulStopSeconds(this.options.scenario) * 1000).catch(() => undefined);
    this.finish();
  }

  /** Ends the scenario at once (a stop): what is in flight counts as `interrupted`. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    if (!this.generator) return this.finish();
    await this.generator.stop().catch(() => undefined);
    this.finish();
  }

  /** VUs in progress now: connections with an iteration under way (0 before the start and after the end). */
  vusInProgress(): number {
    return this.finished || !this.generator ? 0 : this.generator.vusInProgress();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.resolveDone();
  }

  /** Seconds since the scenario's start (negative before it). */
  private elapsed(now: number): number {
    return (now - this.startMs) / 1000;
  }

  private endIfOver(now: number): boolean {
    if (now < this.endMs) return false;
    void this.end();
    return true;
  }

  private paceVus(pacer: VuPacer): void {
    const tick = () => {
      const now = performance.now();
      if (this.endIfOver(now)) return;
      const { scenario, segment } = this.options;
      // The models count time from the run's start; elapsed() counts from the scenario's.
      pacer.setVus(now < this.startMs ? 0 : vusShare(segment, scenario, this.elapsed(now) + scenario.startTime));
      // Wake at the scenario's start and end exactly, so that it neither starts nor ends late.
      const wait = Math.min(VU_UPDATE_MS, now < this.startMs ? this.startMs - now : this.endMs - now);
      this.timer = setTimeout(tick, wait);
    };
    tick();
  }

  private paceArrivals(arrivalPacer: ArrivalPacer): void {
    const { scenario, segment } = this.options;
    const arrivalsBy = (at: number) => arrivalsShare(segment, scenario, this.elapsed(at) + scenario.startTime);
    /** The first instant (performance.now() ms) in [from, to] by which `count` arrivals are due; `to` when none is. */
    const dueInstant = (count: number, from: number, to: number): number => {
      if (arrivalsBy(to) < count) return to;
      let low = from;
      let high = to;
      while (high - low > 0.02) {
        const mid = (low + high) / 2;
        if (arrivalsBy(mid) >= count) high = mid;
        else low = mid;
      }
      return high;
    };
    let started = 0;
    let lastWake = this.startMs;
    const tick = () => {
      const now = performance.now();
      const due = now < this.startMs ? 0 : Math.min(arrivalsBy(now), arrivalsBy(this.endMs));
      const count = due - started;
      let dropped = 0;
      for (let k = 1; k <= count; k++) {
        const dueAt = count <= SOLVED_ARRIVALS ? dueInstant(started + k, lastWake, now) : lastWake + ((now - lastWake) * k) / count;
        if (!arrivalPacer.dispatch(dueAt)) dropped += 1;
      }
      if (dropped > 0) this.options.onDropped(dropped);
      started = Math.max(started, due);
      lastWake = Math.max(now, this.startMs);
      if (this.endIfOver(now)) return;
      const horizon = Math.min(Math.max(now, this.startMs) + MAX_ARRIVAL_SLEEP_MS, this.endMs);
      const next = dueInstant(started + 1, Math.max(now, this.startMs), horizon);
      this.timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    // A share that begins well after its scenario did (a takeover of a lost worker's segment, a very late
    // assignment) starts from the arrivals due once its connections are open (ShareRun waits for them before it
    // starts the scenario): those due before were another worker's, or never sent, not a burst to make up, nor
    // drops for want of connections still opening. A start late by the usual few milliseconds sends what fell due
    // meanwhile, timed from when it was due.
    const now = performance.now();
    if (now - this.startMs > LATE_START_MS) {
      started = Math.min(arrivalsBy(now), arrivalsBy(this.endMs));
      lastWake = now;
    }
    tick();
  }
}
