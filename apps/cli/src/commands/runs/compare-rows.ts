import type { RunResource, ThresholdOutcome } from '@loadtest/protocol';
import { formatCount, formatMicros, formatPercent, formatRate } from '../../output/format.js';

/** B − A with its sign, and the change relative to A: `+1,000 (+8.3%)`. Empty when either side has no figure. */
export function difference(a: number | null | undefined, b: number | null | undefined, format: (n: number) => string): string {
  if (a === null || a === undefined || b === null || b === undefined) return '';
  const delta = b - a;
  const sign = delta > 0 ? '+' : delta < 0 ? '-' : '±';
  const relative = a === 0 ? '' : ` (${delta >= 0 ? '+' : '-'}${Math.abs((delta / a) * 100).toFixed(1)}%)`;
  return `${sign}${format(Math.abs(delta))}${relative}`;
}

/** A change of a rate (0..1) in percentage points: shares compare by their difference, not by their ratio. */
export function pointsDifference(a: number | null | undefined, b: number | null | undefined): string {
  if (a === null || a === undefined || b === null || b === undefined) return '';
  const delta = (b - a) * 100;
  return `${delta > 0 ? '+' : delta < 0 ? '-' : '±'}${Math.abs(delta).toFixed(2)} pp`;
}

function thresholdCell(outcome: ThresholdOutcome | undefined): string {
  if (!outcome) return '-';
  return `${outcome.ok ? '✓' : '✗'} ${outcome.display}`;
}

const key = (t: Pick<ThresholdOutcome, 'expression' | 'step'>) => `${t.expression}${t.step ? ` [${t.step}]` : ''}`;

/**
 * The rows of `loadtest runs compare A B`: each figure of both runs side by side with the difference B − A; then each
 * threshold either run had, with its state and value in both. The first row is the header.
 */
export function compareRows(a: RunResource, b: RunResource): string[][] {
  const sa = a.summary;
  const sb = b.summary;
  const la = sa?.latencyMicros;
  const lb = sb?.latencyMicros;
  const rows: string[][] = [
    ['', 'A', 'B', 'B − A'],
    ['run', a.id, b.id, ''],
    ['state', a.state, b.state, ''],
    ['verdict', a.verdict ?? '-', b.verdict ?? '-', a.verdict === b.verdict ? '' : `${a.verdict ?? '-'} → ${b.verdict ?? '-'}`],
    ['requests', sa ? formatCount(sa.requests) : '-', sb ? formatCount(sb.requests) : '-', difference(sa?.requests, sb?.requests, formatCount)],
    ['rps', sa ? formatRate(sa.rps) : '-', sb ? formatRate(sb.rps) : '-', difference(sa?.rps, sb?.rps, formatRate)],
  ];
  for (const p of ['p50', 'p95', 'p99'] as const) rows.push([p, formatMicros(la?.[p]), formatMicros(lb?.[p]), difference(la?.[p], lb?.[p], formatMicros)]);
  rows.push(
    ['error rate', sa ? formatPercent(sa.errorRate) : '-', sb ? formatPercent(sb.errorRate) : '-', pointsDifference(sa?.errorRate, sb?.errorRate)],
    ['dropped', sa ? formatCount(sa.dropped) : '-', sb ? formatCount(sb.dropped) : '-', difference(sa?.dropped, sb?.dropped, formatCount)],
  );
  const names = [...new Set([...a.thresholdResults, ...b.thresholdResults].map(key))];
  for (const name of names) {
    const ta = a.thresholdResults.find((t) => key(t) === name);
    const tb = b.thresholdResults.find((t) => key(t) === name);
    const change = ta && tb && ta.ok !== tb.ok ? (tb.ok ? 'now passes' : 'now fails') : '';
    rows.push([`threshold ${name}`, thresholdCell(ta), thresholdCell(tb), change]);
  }
  return rows;
}
