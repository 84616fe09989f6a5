/**
 * The threshold code a browser can load (the dashboard checks thresholds as they are typed, with the master's
 * own parser): no histogram, no Node built-in. Published as `@loadtest/metrics/thresholds`.
 */
export { parseThreshold } from './parse.js';
export { checkThresholdSpecs } from './specs.js';
export type { ParseResult, ScopedThreshold, Threshold, ThresholdMetric, ThresholdOp } from './types.js';
