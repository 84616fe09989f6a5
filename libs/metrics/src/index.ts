export { LATENCY_HISTOGRAM, createLatencyHistogram, recordLatency, encodeHistogram, decodeHistogram, type Histogram } from './histogram.js';
export { WindowRecorder, emptyErrorCounts } from './recorder.js';
export { mergeWindows, type MergedWindows } from './merge.js';
export { summarize, summarizeMerged, latencySummary } from './summarize.js';
