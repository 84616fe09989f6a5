import { drainEndSeconds, segmentConnections } from '@loadtest/execution';
import { encodeWindowBase64, WindowRecorder } from '@loadtest/metrics';
import { formatPath, PROTOCOL_VERSION, type ErrorKind, type RunAssign, type RunWindow } from '@loadtest/protocol';
import type { Logger } from 'pino';
import { performance } from 'node:perf_hooks';
import { planProblems } from '@loadtest/plan';
import { FlowProgram, isPlainSequence, planRequests, type FlowTracer, type GeneratorRequest } from '@loadtest/plan/flow';
import { targetPolicyFromEnv } from '@loadtest/targets';
import { pinTarget, type PinnedTarget, type TargetGuard } from './pinned-target.js';
import { ScenarioRun } from './scenario-run.js';

/** How long before the start instant a share opens its connections (no earlier: idle connections may be closed by the target). */
const OPEN_AHEAD_MS = 3000;
/** The longest a share that begins after the start instant (a takeover) waits for its connections before it starts sending. */
const CONNECTIONS_WAIT_MS = 1000;

export type ShareOutcome = { state: 'finished' | 'stopped'; windows: number } | { state: 'failed'; windows: number; reason: string };

export interface ShareRunDeps {
  logger: Logger;
  /** Publishes a window; the returned promise settles when the transport has confirmed it. */
  publishWindow(window: RunWindow): Promise<void>;
  onStarted(): void;
  now?: () => number;
  /**
   * The worker's own target check; by default its environment's allowlist (LOADTEST_TARGET_ALLOWLIST) and the system
   * resolver. An engine thread (ThreadedShareRun) always uses its environment's: a resolver cannot cross threads.
   */
  targets?: TargetGuard;
  /** Set for a trial (../trial/trial-run.ts): the share runs as a flow, its virtual users traced. */
  trace?: ShareTrace;
}

/** What a trial sees of a share beyond its virtual users' steps: the errors the generator counts, and dropped arrivals. */
export interface ShareTrace {
  tracer: FlowTracer;
  onError(step: number, kind: ErrorKind): void;
  onDropped(count: number): void;
}

/**
 * Runs one worker's share of a run: opens its connections before the run's
 * start instant, starts sending at that instant, drives the generator until
 * the planned end (or a stop), and turns what it records
 * into one window per second since the start instant, numbered by `seq`.
 *
 * A scenario that ends lets its iterations in progress end (gracefulStop): what
 * they record goes in the window of the second it happens in, and what happens
 * after the run's planned end in the run's last second, so that the run has
 * exactly `durationSeconds` seconds and its timeline adds up to its summary.
 * That last window closes when every scenario has ended.
 */
export class ShareRun {
  private readonly recorder = new WindowRecorder();
  private readonly now: () => number;
  private scenarios: ScenarioRun[] = [];
  private seq = 0;
  private windowSecond = 0;
  private windowStartMs = 0;
  private tickTimer: NodeJS.Timeout | undefined;
  private endTimer: NodeJS.Timeout | undefined;
  private stopRequested = false;
  private wakeFromWait: (() => void) | undefined;
  private readonly sends = new Set<Promise<void>>();
  private sendFailure: Error | undefined;

  constructor(
    readonly assignment: RunAssign,
    private readonly deps: ShareRunDeps,
  ) {
    this.now = deps.now ?? Date.now;
  }

  get plannedEndMs(): number {
    return this.assignment.startAt + this.assignment.durationSeconds * 1000;
  }

  /** When every scenario's gracefulStop is over: the share has ended by then. */
  get drainEndMs(): number {
    return this.assignment.startAt + drainEndSeconds(this.assignment) * 1000;
  }

  /** Runs the share to its end and reports how it ended; never throws. */
  async run(): Promise<ShareOutcome> {
    try {
      await this.waitUntil(this.assignment.startAt - OPEN_AHEAD_MS);
      if (this.stopRequested) return { state: 'stopped', windows: 0 };
      if (this.now() >= this.plannedEndMs) {
        return { state: 'failed', windows: 0, reason: 'assignment arrived after the run had ended' };
      }
      // The worker does not trust the master's check: it resolves and checks the target itself, before any connection.
      const target = await pinTarget(this.assignment.plan.baseUrl, this.deps.targets ?? { allowlist: targetPolicyFromEnv(process.env).allowlist });
      if (this.stopRequested) return { state: 'stopped', windows: 0 };
      const { runId, workerId } = this.assignment;
      this.deps.logger.debug({ runId, workerId, host: target.host, address: target.address, addresses: target.addresses }, 'target checked and pinned');
      this.prepare(target);
      await this.open();
      await this.waitUntil(this.assignment.startAt);
      if (this.stopRequested) {
        await this.stopScenarios();
        return { state: 'stopped', windows: 0 };
      }
      this.begin();
      await Promise.all(this.scenarios.map((scenario) => scenario.done));
      clearTimeout(this.tickTimer);
      clearTimeout(this.endTimer);
      this.emitWindow(Math.min(this.now(), this.plannedEndMs));
      await this.flush();
      if (this.sendFailure) throw this.sendFailure;
      return { state: this.stopRequested ? 'stopped' : 'finished', windows: this.seq };
    } catch (error) {
      clearTimeout(this.tickTimer);
      clearTimeout(this.endTimer);
      await this.stopScenarios();
      await this.flush();
      return { state: 'failed', windows: this.seq, reason: (error as Error).message };
    }
  }

  /** Ends the share early; `run()` then resolves with state `stopped`. */
  stop(): void {
    this.stopRequested = true;
    this.wakeFromWait?.();
    void this.stopScenarios();
  }

  private async stopScenarios(): Promise<void> {
    await Promise.all(this.scenarios.map((scenario) => scenario.stop()));
  }

  /** Waits until `at` (this worker's wall clock), or a stop. */
  private async waitUntil(at: number): Promise<void> {
    // A timer may fire a millisecond early by the wall clock: nothing is to be sent before the start instant.
    for (let delay = at - this.now(); delay > 0 && !this.stopRequested; delay = at - this.now()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeFromWait = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /**
   * Opens every connection the share needs at its start, and waits until they
   * have connected and the event loop has had one turn without work for them:
   * the first second then measures the target, not the connecting (the
   * latency clock of an open model counts from when each arrival was due).
   * Waits at most until the start instant; a share that begins after it (a
   * takeover, a late assignment) waits up to CONNECTIONS_WAIT_MS.
   */
  private async open(): Promise<void> {
    const openedAt = this.now();
    const deadline = Math.max(this.assignment.startAt, openedAt + (openedAt > this.assignment.startAt ? CONNECTIONS_WAIT_MS : 0));
    let allOpen = false;
    const opened = Promise.all(this.scenarios.map((scenario) => scenario.open())).then(() => (allOpen = true));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      opened,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, deadline - openedAt));
        this.wakeFromWait = () => resolve();
      }),
    ]);
    clearTimeout(timer);
    if (this.stopRequested) return;
    await new Promise((resolve) => setImmediate(resolve));
    const { runId, workerId, startAt } = this.assignment;
    if (allOpen) this.deps.logger.debug({ runId, workerId, openMs: this.now() - openedAt, msBeforeStart: startAt - this.now() }, 'connections open');
    else this.deps.logger.warn({ runId, workerId, waitedMs: this.now() - openedAt }, 'connections still opening at the start instant; starting anyway');
  }

  /** Builds the share's scenarios (their clocks keyed to the run's start instant); nothing is opened yet. */
  private prepare(target: PinnedTarget): void {
    const { assignment } = this;
    // The message's schema checks the plan's shape; what needs the whole plan (names, references, feeders' data) is
    // checked here too, as the master did when it was saved: a worker does not take the master's word for it.
    const problems = planProblems(assignment.plan);
    if (problems.length > 0) throw new Error(`the plan is refused: ${problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join('; ')}`);
    // A plain sequence of constant requests runs on autocannon's static requests; anything else as a flow. A trial
    // always runs as a flow: only a virtual user can be traced, and a plain sequence's flow sends the same bytes.
    let requests: GeneratorRequest[] = [];
    let names: readonly string[];
    let program: FlowProgram | undefined;
    const { trace } = this.deps;
    const connections = assignment.scenarios.map((scenario) => segmentConnections(assignment.segment, scenario));
    if (isPlainSequence(assignment.plan) && !trace) {
      ({ requests, names } = planRequests(assignment.plan));
    } else {
      const total = connections.reduce((sum, n) => sum + n, 0);
      const onCheck = (index: number, passed: boolean) => this.recorder.recordCheck(step(index), passed);
      program = new FlowProgram(assignment.plan, assignment.segment, total, onCheck, Math.random, trace?.tracer);
      names = program.flow.names;
    }
    const step = (index: number) => names[index] ?? `request ${index}`;
    // Scenarios are paced on the monotonic clock; the start instant is in this worker's wall clock.
    const runStart = performance.now() + (assignment.startAt - this.now());
    let firstConnection = 0;
    this.scenarios = assignment.scenarios.map((scenario, index) => {
      const flow = program ? { program, firstConnection } : undefined;
      firstConnection += connections[index]!;
      return new ScenarioRun({
        scenario,
        segment: assignment.segment,
        runStart,
        baseUrl: assignment.plan.baseUrl,
        connect: { url: target.url, host: target.host, ...(target.servername ? { servername: target.servername } : {}) },
        // Each generator gets its own copy: autocannon keeps per-request state on them.
        requests: requests.map((request) => ({ ...request })),
        ...(flow ? { flow } : {}),
        timeoutSeconds: assignment.timeoutSeconds,
        onResponse: (index, status, bytesIn, bytesOut, micros) => this.recorder.recordResponse(step(index), status, bytesIn, bytesOut, micros),
        onError: (index, kind) => {
          this.recorder.recordError(step(index), kind);
          trace?.onError(index, kind);
        },
        onDropped: (count) => {
          this.recorder.recordDropped(count);
          trace?.onDropped(count);
        },
      });
    });
  }

  /** At the start instant (or on a late share's open): the windows start, and so does the sending. */
  private begin(): void {
    const { assignment } = this;
    const startedAt = this.now();
    // A worker that starts late still keys its windows by the run's start instant.
    this.windowSecond = Math.max(0, Math.floor((startedAt - assignment.startAt) / 1000));
    this.windowStartMs = Math.max(startedAt, assignment.startAt + this.windowSecond * 1000);
    for (const scenario of this.scenarios) scenario.start();
    this.deps.onStarted();
    this.scheduleTick();
    // Each scenario ends itself at its end and its gracefulStop; this is the backstop after the last of them.
    this.endTimer = setTimeout(() => void this.stopScenarios(), Math.max(0, this.drainEndMs - this.now()) + 1000);
  }

  /** Closes a window at each whole second since the start instant, except the last, which closes when the generator ends. */
  private scheduleTick(): void {
    const boundary = this.assignment.startAt + (this.windowSecond + 1) * 1000;
    if (boundary >= this.plannedEndMs) return;
    this.tickTimer = setTimeout(
      () => {
        this.emitWindow(boundary);
        this.scheduleTick();
      },
      Math.max(0, boundary - this.now()),
    );
  }

  private emitWindow(endMs: number): void {
    const durationMs = Math.min(1000, Math.max(0, Math.round(endMs - this.windowStartMs)));
    // VUs in progress are sampled as the second closes (k6's `vus`), over the share's scenarios.
    const measured = { ...this.recorder.take(this.windowSecond, durationMs), vus: this.scenarios.reduce((sum, scenario) => sum + scenario.vusInProgress(), 0) };
    const window: RunWindow = {
      v: PROTOCOL_VERSION,
      type: 'run.window',
      sentAt: this.now(),
      runId: this.assignment.runId,
      workerId: this.assignment.workerId,
      seq: this.seq++,
      second: measured.second,
      data: encodeWindowBase64(measured),
    };
    this.windowSecond += 1;
    this.windowStartMs = this.assignment.startAt + this.windowSecond * 1000;
    const send = this.deps.publishWindow(window).catch((error: unknown) => {
      this.sendFailure ??= new Error(`cannot publish window ${window.seq}: ${(error as Error).message}`, { cause: error });
      this.deps.logger.error({ err: error, runId: window.runId, seq: window.seq }, 'window not published');
    });
    this.sends.add(send);
    void send.finally(() => this.sends.delete(send));
  }

  private async flush(): Promise<void> {
    await Promise.all([...this.sends]);
  }
}
