import { ERROR_KINDS, type ErrorKind, type LiveWindowEvent, type TimelinePoint } from '@loadtest/protocol';

/** One second (or bucket) of a run as the charts draw it: the fields both the stored timeline and the live events have. */
export type SecondPoint = Pick<
  TimelinePoint,
  'second' | 'requests' | 'errorCount' | 'errors' | 'statusCodes' | 'latencyMicros' | 'dropped' | 'vus' | 'workers'
>;

/**
 * The points of a run by second: the stored timeline first, then live seconds. A live second replaces a
 * stored one with the same number (it is the same merge, possibly with a late worker's window added),
 * and the result is in order of seconds, as uPlot needs.
 */
export function mergePoints(stored: readonly SecondPoint[], live: readonly SecondPoint[]): SecondPoint[] {
  const bySecond = new Map<number, SecondPoint>();
  for (const point of stored) bySecond.set(point.second, point);
  for (const point of live) bySecond.set(point.second, point);
  return [...bySecond.values()].sort((a, b) => a.second - b.second);
}

/** A live event as a chart point. */
export const livePoint = (event: LiveWindowEvent): SecondPoint => ({
  second: event.second,
  requests: event.requests,
  errorCount: event.errorCount,
  errors: event.errors,
  statusCodes: event.statusCodes,
  latencyMicros: event.latencyMicros,
  dropped: event.dropped,
  vus: event.vus,
  workers: event.workers,
});

/** Columns in uPlot's layout: x first, then one array per series; null where a second had no response. */
export interface RunColumns {
  seconds: number[];
  rps: number[];
  errors: number[];
  /** Errors per second of each kind (timeout, refused, reset, other, interrupted). */
  errorsByKind: Record<ErrorKind, number[]>;
  /** Responses per second with a 4xx and a 5xx status: answered, so not errors, but what a reader looks for beside them. */
  status4xx: number[];
  status5xx: number[];
  dropped: number[];
  /** VUs in progress as each second closed (a bucket's mean); null where no worker measured them. */
  vus: (number | null)[];
  /** Latency in milliseconds. */
  p50: (number | null)[];
  p90: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  max: (number | null)[];
}

const ms = (micros: number | undefined) => (micros === undefined ? null : micros / 1000);

/** Chart columns of a run's points; `bucketSeconds` turns a bucket's counts into per-second rates. */
export function runColumns(points: readonly SecondPoint[], bucketSeconds = 1): RunColumns {
  const errorsByKind = Object.fromEntries(ERROR_KINDS.map((kind) => [kind, [] as number[]])) as Record<ErrorKind, number[]>;
  const columns: RunColumns = {
    seconds: [],
    rps: [],
    errors: [],
    errorsByKind,
    status4xx: [],
    status5xx: [],
    dropped: [],
    vus: [],
    p50: [],
    p90: [],
    p95: [],
    p99: [],
    max: [],
  };
  for (const point of points) {
    const latency = point.latencyMicros ?? undefined;
    columns.seconds.push(point.second);
    columns.rps.push(point.requests / bucketSeconds);
    columns.errors.push(point.errorCount / bucketSeconds);
    for (const kind of ERROR_KINDS) errorsByKind[kind].push((point.errors[kind] ?? 0) / bucketSeconds);
    let status4xx = 0;
    let status5xx = 0;
    for (const [status, count] of Object.entries(point.statusCodes)) {
      if (status.startsWith('4')) status4xx += count;
      else if (status.startsWith('5')) status5xx += count;
    }
    columns.status4xx.push(status4xx / bucketSeconds);
    columns.status5xx.push(status5xx / bucketSeconds);
    columns.dropped.push(point.dropped / bucketSeconds);
    columns.vus.push(point.vus);
    columns.p50.push(ms(latency?.p50));
    columns.p90.push(ms(latency?.p90));
    columns.p95.push(ms(latency?.p95));
    columns.p99.push(ms(latency?.p99));
    columns.max.push(ms(latency?.max));
  }
  return columns;
}
