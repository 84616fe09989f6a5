import { addWindow, emptyMerged, stepSummary, TimelineBuckets, type MergedWindows, type WorkerWindow } from '@loadtest/metrics';
import type { LatencyDistribution, StepSummary, TimelinePoint } from '@loadtest/protocol';
import { distributionFromHistogram } from './latency-distribution.js';

/** What a report needs from a run's windows besides the run itself (RunReportInput's other parts). */
export interface ReportWindowParts {
  timeline: { bucketSeconds: number; points: TimelinePoint[] };
  workerSummaries: Map<string, StepSummary>;
  latencyDistribution: LatencyDistribution | null;
}

/**
 * One pass over a run's windows, in second order, for its report: the timeline in the run's bucket, each share's
 * figures and the whole run's latency histogram. The master feeds it the stored windows, the CLI the windows of
 * the run it ran itself; only one timeline bucket's windows are held at a time.
 */
export class ReportWindows {
  private readonly timeline: TimelineBuckets;
  private readonly perShare = new Map<string, MergedWindows>();
  private readonly whole = emptyMerged();

  constructor(bucketSeconds: number) {
    this.timeline = new TimelineBuckets(bucketSeconds);
  }

  add(window: WorkerWindow): void {
    this.timeline.add(window);
    let share = this.perShare.get(window.workerId);
    if (!share) this.perShare.set(window.workerId, (share = emptyMerged()));
    addWindow(share, window);
    addWindow(this.whole, window);
  }

  finish(): ReportWindowParts {
    const workerSummaries = new Map<string, StepSummary>();
    for (const [shareId, merged] of this.perShare) workerSummaries.set(shareId, stepSummary(merged.total, merged.spanMs / 1000));
    return {
      timeline: { bucketSeconds: this.timeline.bucketSeconds, points: this.timeline.finish() },
      workerSummaries,
      latencyDistribution: distributionFromHistogram(this.whole.total.latency),
    };
  }
}
