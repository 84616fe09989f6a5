import { useEffect, useState } from 'react';
import { useRangeSummary, type RunSlice } from '../api/queries.js';
import type { SecondRange } from '../charts/time-series-chart.js';
import { formatCount, formatLatency, formatPercent, formatRate } from '../format/figures.js';

interface RangePanelProps {
  runId: string;
  range: SecondRange | null;
  slice: RunSlice;
  onRange(range: SecondRange | null): void;
  /** One past the last second on the charts: the default end of a range typed by hand. */
  lastSecond: number;
}

const inputClass = 'w-20 rounded border border-gray-300 bg-transparent px-2 py-1 dark:border-gray-600';

/**
 * The exact summary of a range of seconds (dragged on a chart, or typed), merged by the master from the stored
 * windows — for the step and worker chosen above.
 */
export function RangePanel({ runId, range, slice, onRange, lastSecond }: RangePanelProps) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  useEffect(() => {
    setFrom(range ? String(range.from) : '');
    // The form shows the last second of the range (inclusive), as people count seconds.
    setTo(range ? String(range.to - 1) : '');
  }, [range]);
  const summary = useRangeSummary(runId, range, slice);
  const figures = summary.data?.summary;
  return (
    <section aria-labelledby="range-title" className="rounded border border-gray-200 p-3 dark:border-gray-700">
      <h2 id="range-title" className="mb-2 font-semibold">
        Range summary
      </h2>
      <form
        className="mb-2 flex flex-wrap items-end gap-2 text-sm"
        onSubmit={(event) => {
          event.preventDefault();
          const first = Number(from);
          const last = to === '' ? lastSecond - 1 : Number(to);
          if (Number.isInteger(first) && Number.isInteger(last) && first >= 0 && last >= first) onRange({ from: first, to: last + 1 });
        }}
      >
        <label>
          From second <input className={inputClass} inputMode="numeric" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          to second <input className={inputClass} inputMode="numeric" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="submit" className="rounded border border-gray-300 px-2 py-1 dark:border-gray-600">
          Summarise
        </button>
        {range && (
          <button type="button" className="underline" onClick={() => onRange(null)}>
            Clear
          </button>
        )}
        <span className="text-gray-600 dark:text-gray-400">or drag across a chart</span>
      </form>
      {summary.error && <p role="alert">{summary.error.message}</p>}
      {range && figures && (
        <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4 lg:grid-cols-8" data-testid="range-summary" data-from={range.from} data-to={range.to}>
          <RangeFigure name="Requests" value={formatCount(figures.requests)} />
          <RangeFigure name="Requests/s" value={formatRate(figures.rps)} />
          <RangeFigure name="p50" value={formatLatency(figures.latencyMicros?.p50)} />
          <RangeFigure name="p95" value={formatLatency(figures.latencyMicros?.p95)} />
          <RangeFigure name="p99" value={formatLatency(figures.latencyMicros?.p99)} />
          <RangeFigure name="Max" value={formatLatency(figures.latencyMicros?.max)} />
          <RangeFigure name="Error rate" value={formatPercent(figures.errorRate)} />
          <RangeFigure name="Dropped" value={formatCount(figures.dropped)} />
        </dl>
      )}
    </section>
  );
}

function RangeFigure({ name, value }: { name: string; value: string }) {
  return (
    <div data-range-figure={name}>
      <dt className="text-xs text-gray-600 dark:text-gray-400">{name}</dt>
      <dd className="font-semibold tabular-nums">{value}</dd>
    </div>
  );
}
