export {
  LATENCY_HISTOGRAM,
  createLatencyHistogram,
  recordLatency,
  encodeHistogram,
  decodeHistogram,
  decodeHistogramBytes,
  type Histogram,
} from './histogram.js';
export { emptyStep, emptyErrorCounts, addStep, windowTotals, errorTotal, type StepMetrics, type Window } from './window.js';
export { WindowRecorder } from './recorder.js';
export { encodeWindow, decodeWindow, encodeWindowBase64, decodeWindowBase64 } from './codec.js';
/** The previous window format's writer, for benchmarks and tests only (services write format 7 with encodeWindow). */
export { encodeWindowFormat6 } from './codec-deflated.js';
export { mergeWindows, mergeSameSecond, emptyMerged, addWindow, addMerged, type MergedWindows, type MergeOptions } from './merge.js';
export { summarize, summarizeMerged, stepSummary } from './summarize.js';
export { latencySummary } from './latency-summary.js';
export {
  parseThreshold,
  formatThresholdValue,
  evaluateThreshold,
  type ParseResult,
  type Threshold,
  type ThresholdMetric,
  type ThresholdOp,
  type ThresholdData,
  type ThresholdResult,
} from './thresholds/index.js';
export { thresholdData, evaluateOnMerged, type ScopedThreshold } from './thresholds/from-merged.js';
export { thresholdOutcomes } from './thresholds/outcomes.js';
export { checkThresholdSpecs } from './thresholds/specs.js';
export { bucketPoint, vusInProgress, TimelineBuckets, type WorkerWindow } from './timeline/timeline-buckets.js';
export { runVerdict } from './thresholds/verdict.js';
export { thresholdAbort } from './thresholds/abort.js';
