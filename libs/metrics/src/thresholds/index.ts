export type { ParseResult, Threshold, ThresholdMetric, ThresholdOp } from './types.js';
export { parseThreshold } from './parse.js';
export { formatThresholdValue } from './format.js';
export { evaluateThreshold, type ThresholdData, type ThresholdResult } from './evaluate.js';
