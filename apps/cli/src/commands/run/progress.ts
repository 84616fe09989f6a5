import type { LiveWindowEvent, ThresholdOutcome } from '@loadtest/protocol';
import type { Output } from '../../output/output.js';
import { formatCount, formatMicros, formatPercent, formatRate, formatSeconds } from '../../output/format.js';

/** What the live view shows of a run: the last second's figures, totals so far, and each threshold's state. */
export interface Progress {
  /** Seconds since the run's start that have been reported (the last window's second + 1). */
  elapsedSeconds: number;
  totalSeconds: number;
  /** VUs in progress at the last second's end; null when no worker measured them. */
  vus: number | null;
  /** Requests per second over the last second. */
  rps: number;
  /** p95 latency of the last second, in µs; null without responses. */
  p95Micros: number | null;
  requests: number;
  errors: number;
  dropped: number;
  thresholds: ThresholdOutcome[];
  /** The counts of each second as last received, so that a revised second replaces its earlier counts in the totals. */
  seconds: ReadonlyMap<number, SecondCounts>;
}

interface SecondCounts {
  requests: number;
  errors: number;
  dropped: number;
}

export function initialProgress(totalSeconds: number, thresholds: ThresholdOutcome[] = []): Progress {
  return { elapsedSeconds: 0, totalSeconds, vus: null, rps: 0, p95Micros: null, requests: 0, errors: 0, dropped: 0, thresholds, seconds: new Map() };
}

/**
 * Adds one second's merged window (`run:window`) to the progress; the thresholds come judged on everything so far. A
 * revision (a window that came after its second was sent) replaces that second's counts; the live figures stay those
 * of the latest second.
 */
export function applyWindow(progress: Progress, event: LiveWindowEvent): Progress {
  const before = progress.seconds.get(event.second) ?? { requests: 0, errors: 0, dropped: 0 };
  const seconds = new Map(progress.seconds).set(event.second, { requests: event.requests, errors: event.errorCount, dropped: event.dropped });
  const latest = event.second + 1 >= progress.elapsedSeconds;
  return {
    elapsedSeconds: Math.max(progress.elapsedSeconds, event.second + 1),
    totalSeconds: progress.totalSeconds,
    vus: latest ? event.vus : progress.vus,
    rps: latest ? event.rps : progress.rps,
    p95Micros: latest ? (event.latencyMicros?.p95 ?? null) : progress.p95Micros,
    requests: progress.requests - before.requests + event.requests,
    errors: progress.errors - before.errors + event.errorCount,
    dropped: progress.dropped - before.dropped + event.dropped,
    thresholds: event.thresholds,
    seconds,
  };
}

/** Errors over everything sent (responses and errors), as the API's errorRate counts them. */
export function errorShare(progress: Pick<Progress, 'requests' | 'errors'>): number {
  const sent = progress.requests + progress.errors;
  return sent === 0 ? 0 : progress.errors / sent;
}

/** A threshold's state in a few characters: `✓ p(95)<300ms (3.10ms)`. */
export function thresholdState(outcome: ThresholdOutcome, colors: Output['colors']): string {
  const mark = outcome.ok ? colors.green('✓') : colors.red('✗');
  const scope = outcome.step ? ` [${outcome.step}]` : '';
  return `${mark} ${outcome.expression}${scope} (${outcome.display})`;
}

/** The figures of the live view, for the terminal: `12s/30s  VUs 10  1,234 req/s  p95 3.21ms  errors 0 (0.00%)  dropped 0`. */
export function progressFigures(p: Progress, colors: Output['colors']): string {
  const errors = p.errors > 0 ? colors.red(`${formatCount(p.errors)} (${formatPercent(errorShare(p))})`) : `0 (${formatPercent(0)})`;
  return [
    `${formatSeconds(p.elapsedSeconds)}/${formatSeconds(p.totalSeconds)}`,
    `VUs ${p.vus === null ? '-' : formatCount(p.vus)}`,
    `${formatRate(p.rps)} req/s`,
    `p95 ${formatMicros(p.p95Micros)}`,
    `errors ${errors}`,
    `dropped ${formatCount(p.dropped)}`,
  ].join('  ');
}

/**
 * One plain line for a log (no terminal: a CI job), every field named so that it greps well:
 * `[12s/30s] vus=10 rps=1234 p95=3.21ms requests=12,340 errors=0 (0.00%) dropped=0 | ✓ p(95)<300ms (3.10ms)`.
 */
export function plainProgressLine(p: Progress, colors: Output['colors']): string {
  const figures = [
    `[${formatSeconds(p.elapsedSeconds)}/${formatSeconds(p.totalSeconds)}]`,
    `vus=${p.vus === null ? '-' : formatCount(p.vus)}`,
    `rps=${formatRate(p.rps)}`,
    `p95=${formatMicros(p.p95Micros)}`,
    `requests=${formatCount(p.requests)}`,
    `errors=${formatCount(p.errors)} (${formatPercent(errorShare(p))})`,
    `dropped=${formatCount(p.dropped)}`,
  ].join(' ');
  return p.thresholds.length === 0 ? figures : `${figures} | ${p.thresholds.map((t) => thresholdState(t, colors)).join(', ')}`;
}

/** The plain lines' cadence: the first window (the run is under way), then one every `everySeconds` of the run. */
export function plainLineDue(lastPrintedSecond: number | undefined, elapsedSeconds: number, everySeconds = 10): boolean {
  return lastPrintedSecond === undefined || elapsedSeconds - lastPrintedSecond >= everySeconds;
}
