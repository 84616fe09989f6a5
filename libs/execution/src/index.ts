export { ceilOf, segmentShare, evenSegments, segmentFraction, splitSegment, splitSegmentWeighted, weightedSegments, type Segment } from './segment.js';
export { modelDuration, isClosedModel, plannedVus, plannedArrivals, vusShare, arrivalsShare } from './plan.js';
export { stageValue, stageIntegral, stagesDuration } from './models/stages.js';
export { expandPreset, presetMinimumDuration, PRESET_DEFAULT_DURATION } from './presets.js';
export { LoadPlanError, resolveLoad, scenarioEnd, peakConcurrency, segmentConnections, usableWorkers } from './scenarios.js';
export { DEFAULT_GRACEFUL_STOP_SECONDS, drainEndSeconds, gracefulStopSeconds } from './graceful-stop.js';
export { runPeaks, type RunPeaks } from './run-peaks.js';
export { planTakeoverSplit, type TakerCapacity, type TakeoverPart, type TakeoverSplit } from './takeover-split.js';
