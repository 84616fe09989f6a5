import type { Segment } from '@loadtest/execution';
import type { Plan } from '@loadtest/protocol';
import { compileFlow, type CompiledFlow } from './compile.js';
import { ShareFeeders } from './feeders/share-feeders.js';
import { requestTarget, type RequestTarget } from './http-request.js';
import type { FlowTracer } from './trace.js';
import { VirtualUser } from './virtual-user.js';

/**
 * A share's flow: the plan compiled and its feeders read, once; a virtual user
 * per connection of the share (numbered over all its scenarios).
 */
export class FlowProgram {
  readonly flow: CompiledFlow;
  readonly target: RequestTarget;
  private readonly feeders: ShareFeeders;

  constructor(
    plan: Plan,
    segment: Segment,
    /** The share's connections, over all its scenarios: a unique feeder's rows are split over them. */
    connections: number,
    private readonly onCheck: (step: number, passed: boolean) => void,
    private readonly random: () => number = Math.random,
    /** Set for a trial: every virtual user's steps are traced (trace.ts). */
    private readonly tracer?: FlowTracer,
  ) {
    this.flow = compileFlow(plan);
    this.target = requestTarget(plan.baseUrl);
    this.feeders = new ShareFeeders(plan, segment, Math.max(1, connections), random);
  }

  /** The virtual user of the share's connection `connection` (0-based). */
  user(connection: number): VirtualUser {
    return new VirtualUser(this.flow, this.feeders.empty ? undefined : this.feeders.forConnection(connection), this.onCheck, this.random, this.tracer);
  }
}
