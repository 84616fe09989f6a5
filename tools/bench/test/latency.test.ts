import { describe, expect, it } from '@jest/globals';
import type { SecondPublished } from '../src/ingest/ipc.js';
import { medianOfSeconds, windowToSocketLatency } from '../src/ingest/latency.js';
import type { ReceivedWindow } from '../src/ingest/live-clients.js';

const runId = 'r1';
const published = (second: number, publishedAt: number, requests = 100): SecondPublished => ({
  type: 'second',
  runId,
  second,
  publishedAt,
  dueAt: publishedAt,
  windows: 1,
  requests,
  encodedBytes: 1,
  messageBytes: 1,
});
const received = (client: number, second: number, receivedAt: number, requests = 200, missingWorkers = 0, revision = false): ReceivedWindow => ({
  client,
  runId,
  second,
  receivedAt,
  requests,
  workers: 4 - missingWorkers,
  missingWorkers,
  revision,
});
const o = (clients: number, durationSeconds: number) => ({ runId, clients, durationSeconds });

describe('window-to-socket latency', () => {
  it('measures from the last simulator process publishing a second to each client receiving it complete', () => {
    const figures = windowToSocketLatency(
      [published(0, 1000), published(0, 1040), published(1, 2000), published(1, 2005)],
      [received(0, 0, 1100), received(1, 0, 1140), received(0, 1, 2105), received(1, 1, 2300)],
      o(2, 2),
    );
    expect(figures.samples.sort((a, b) => a - b)).toEqual([60, 100, 100, 295]);
    expect(figures).toMatchObject({ missing: 0, incomplete: 0, wrongTotals: 0, firstSentPartial: 0, revised: 0 });
    expect(medianOfSeconds(figures.bySecond, 1, 2)).toBe(100);
  });

  it('runs a second sent partial at the deadline to its revision, and checks the revision against what was published', () => {
    const figures = windowToSocketLatency(
      [published(0, 1000), published(0, 1010)],
      // Second 0 goes out at the deadline without one share, then again whole when the late window arrives.
      [received(0, 0, 1510, 100, 1), received(0, 0, 1800, 200, 0, true)],
      o(1, 1),
    );
    expect(figures.samples).toEqual([790]);
    expect(figures).toMatchObject({ missing: 0, incomplete: 0, wrongTotals: 0, firstSentPartial: 1, revised: 1 });
  });

  it('fails a second whose last event is still partial or shows other requests than were published, and counts missing ones', () => {
    const figures = windowToSocketLatency(
      [published(0, 1000), published(1, 2000), published(2, 3000)],
      [
        received(0, 0, 1100, 100, 1), // never revised
        received(0, 1, 2100, 200),
        received(0, 1, 2150, 150, 0, true), // a "revision" that lost requests
        received(0, 2, 3050, 100),
        received(1, 2, 3060, 100),
      ],
      o(2, 3),
    );
    expect(figures.missing).toBe(2); // client 1, seconds 0 and 1
    expect(figures.incomplete).toBe(1);
    expect(figures.wrongTotals).toBe(1);
    expect(figures.wrongTotalExample).toBe('client 0, second 1: 150 requests shown, 100 published');
    expect(figures.samples).toEqual([100, 50, 60]);
  });
});
