import { describe, expect, it } from '@jest/globals';
import type { SecondPublished } from '../src/ingest/ipc.js';
import { medianOfSeconds, windowToSocketLatency } from '../src/ingest/latency.js';
import type { ReceivedWindow } from '../src/ingest/live-clients.js';

const runId = 'r1';
const published = (second: number, publishedAt: number): SecondPublished => ({
  type: 'second',
  runId,
  second,
  publishedAt,
  dueAt: publishedAt,
  windows: 1,
  requests: 1,
  encodedBytes: 1,
  messageBytes: 1,
});
const received = (client: number, second: number, receivedAt: number, workers = 4): ReceivedWindow => ({
  client,
  runId,
  second,
  receivedAt,
  requests: 1,
  workers,
});

describe('window-to-socket latency', () => {
  it('measures from the last simulator process publishing a second to each client receiving it', () => {
    const figures = windowToSocketLatency(
      [published(0, 1000), published(0, 1040), published(1, 2000), published(1, 2005)],
      [received(0, 0, 1100), received(1, 0, 1140), received(0, 1, 2105), received(1, 1, 2300)],
      { runId, clients: 2, durationSeconds: 2, workers: 4 },
    );
    expect(figures.samples.sort((a, b) => a - b)).toEqual([60, 100, 100, 295]);
    expect(figures.missing).toBe(0);
    expect(figures.partialSeconds).toBe(0);
    expect(medianOfSeconds(figures.bySecond, 1, 2)).toBe(100);
  });

  it('counts events that never arrived, duplicates once, and seconds sent without every worker', () => {
    const figures = windowToSocketLatency(
      [published(0, 1000), published(1, 2000), published(2, 3000)],
      [received(0, 0, 1100), received(0, 0, 1200), received(0, 1, 2100, 3), received(0, 2, 3050), received(1, 2, 3060)],
      { runId, clients: 2, durationSeconds: 3, workers: 4 },
    );
    expect(figures.samples).toEqual([100, 100, 50, 60]);
    expect(figures.missing).toBe(2);
    expect(figures.partialSeconds).toBe(1);
  });
});
