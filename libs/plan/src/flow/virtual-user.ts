import { unknownStepKind } from '@loadtest/protocol';
import type { CompiledFlow, CompiledHttp, CompiledStep } from './compile.js';
import { conditionHolds, describeCondition } from './condition.js';
import type { VuFeeders } from './feeders/vu-feeders.js';
import type { FlowResponse } from './response.js';
import { Scope, type Row } from './scope.js';
import { thinkMs } from './think.js';
import type { FlowTracer, TracedCheck, TracedExtraction } from './trace.js';

/** What a virtual user does next: send a step's request, pause, or end its iteration. */
export type FlowAction = { readonly kind: 'request'; readonly step: CompiledHttp } | { readonly kind: 'think'; readonly ms: number } | { readonly kind: 'end' };

const END: FlowAction = { kind: 'end' };

/** A VU without feeders has no rows. */
const NO_ROWS: ReadonlyMap<string, Row> = new Map();

/** An extraction or check that throws (a JSONPath on a pathological document) counts as a miss or a failure. */
function attempt<T>(run: () => T, otherwise: T): T {
  try {
    return run();
  } catch {
    return otherwise;
  }
}

/** Where the walk is in one list of steps; a group's list runs `repeat` times. */
interface Frame {
  readonly steps: readonly CompiledStep[];
  index: number;
  repeat: number;
}

/**
 * One virtual user walking the flow, one iteration at a time, independent of
 * how requests are sent: `next()` runs the think, if and group steps on the
 * way to the next HTTP step and says what to do; the sender hands each
 * request's response (or its failure) to `complete()`, which runs the step's
 * extractions and checks, and counts the checks with `onCheck`.
 */
export class VirtualUser {
  readonly scope: Scope;
  private readonly stack: Frame[] = [];
  private readonly root: Frame;
  /** The step whose response is awaited. */
  private pending: CompiledHttp | undefined;
  /** The iteration's last response, for `if` on status, latency or size. */
  private last: FlowResponse | undefined;
  private stopIteration = false;
  /** Set once a feeder that stops had no row left: the VU does no more iterations. */
  private exhausted = false;

  constructor(
    private readonly flow: CompiledFlow,
    private readonly feeders: VuFeeders | undefined,
    private readonly onCheck: (step: number, passed: boolean) => void,
    private readonly random: () => number = Math.random,
    /** Set for a trial: sees each step as it is done (trace.ts). */
    readonly tracer?: FlowTracer,
  ) {
    this.scope = new Scope(flow.variables);
    this.root = { steps: flow.steps, index: 0, repeat: 1 };
  }

  /** True once a feeder had no row left for it: it starts no more iterations. */
  get stopped(): boolean {
    return this.exhausted;
  }

  /** Starts an iteration: the plan's variables again and each feeder's next row. False when the VU has stopped. */
  beginIteration(): boolean {
    if (this.exhausted) return false;
    const rows = this.feeders?.next();
    if (rows === undefined && this.feeders !== undefined) {
      this.exhausted = true;
      return false;
    }
    this.scope.reset(rows ?? NO_ROWS);
    // The root frame is reused: a new iteration is on the flow's hot path.
    this.root.index = 0;
    this.root.repeat = 1;
    this.stack.length = 0;
    this.stack.push(this.root);
    this.pending = undefined;
    this.last = undefined;
    this.stopIteration = false;
    return true;
  }

  /** Walks to the next HTTP step or think pause, or the iteration's end. */
  next(): FlowAction {
    if (this.stopIteration) this.stack.length = 0;
    for (;;) {
      const frame = this.stack.at(-1);
      if (!frame) return END;
      if (frame.index >= frame.steps.length) {
        frame.repeat -= 1;
        if (frame.repeat > 0) frame.index = 0;
        else this.stack.pop();
        continue;
      }
      const step = frame.steps[frame.index++]!;
      switch (step.kind) {
        case 'http':
          this.pending = step;
          return { kind: 'request', step };
        case 'think': {
          const ms = thinkMs(step, this.random);
          this.tracer?.think(ms);
          if (ms > 0) return { kind: 'think', ms };
          break;
        }
        case 'if': {
          const holds = conditionHolds(step.condition, this.last, this.scope);
          this.tracer?.branch(step.name, describeCondition(step.condition), holds ? 'then' : 'else');
          const branch = holds ? step.then : step.else;
          if (branch.length > 0) this.stack.push({ steps: branch, index: 0, repeat: 1 });
          break;
        }
        case 'group':
          this.stack.push({ steps: step.steps, index: 0, repeat: step.repeat });
          break;
        default:
          return unknownStepKind(step);
      }
    }
  }

  /**
   * The pending step's response (FlowResponse.failed() when none came): its
   * extractions, then its checks. A value not found takes the extraction's
   * default; without one the variable is unset and the miss counts as a failed
   * check of the step (a value found counts as a passed one). A failed check
   * with `stopOnFail` ends the iteration.
   */
  complete(response: FlowResponse): void {
    const step = this.pending;
    if (!step) return;
    this.pending = undefined;
    this.last = response;
    // Only a trial collects the outcomes: a run's VUs allocate nothing for them.
    const extracted: TracedExtraction[] | undefined = this.tracer ? [] : undefined;
    const checked: TracedCheck[] | undefined = this.tracer ? [] : undefined;
    for (const extract of step.extract) {
      const value = attempt(() => extract.read(response), undefined);
      if (value !== undefined) this.scope.set(extract.var, value);
      else if (extract.default !== undefined) this.scope.set(extract.var, extract.default);
      else this.scope.unset(extract.var);
      if (extract.default === undefined) this.onCheck(step.index, value !== undefined);
      extracted?.push({ var: extract.var, value: value ?? extract.default, defaulted: value === undefined && extract.default !== undefined });
    }
    for (const check of step.checks) {
      let passed: boolean;
      // Not through attempt(): no closure per check on the flow's hot path.
      try {
        passed = check.passes(response);
      } catch {
        passed = false;
      }
      this.onCheck(step.index, passed);
      checked?.push({ description: check.description, passed });
      if (!passed && check.stopOnFail) this.stopIteration = true;
    }
    if (extracted && checked) this.tracer?.completed(step, response, extracted, checked);
  }
}
