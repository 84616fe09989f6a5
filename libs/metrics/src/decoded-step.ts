import { histogramFromCounts, type Histogram } from './histogram.js';
import type { StepMetrics } from './window.js';

/**
 * A decoded step keeps its latency counts as received; merging reads them
 * directly. The histogram itself is built on first use and kept.
 */
export function decodedStep(counters: Omit<StepMetrics, 'latency' | 'latencyCounts'>, latencyCounts: Uint8Array): StepMetrics {
  let latency: Histogram | undefined;
  return {
    ...counters,
    latencyCounts,
    get latency(): Histogram {
      latency ??= histogramFromCounts(latencyCounts);
      return latency;
    },
  };
}
