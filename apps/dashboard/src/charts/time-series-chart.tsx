import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
}

/** Seconds [from, to) of a run, as `GET /runs/:id/summary?from&to` takes them. */
export interface SecondRange {
  from: number;
  to: number;
}

export interface TimeSeriesChartProps {
  title: string;
  /** Unit shown on the y axis, e.g. `req/s` or `ms`. */
  unit: string;
  seconds: number[];
  series: ChartSeries[];
  height?: number;
  /** The range selected on any chart: drawn on this one too. */
  range?: SecondRange | null;
  /** Dragging across the chart selects the seconds under it. */
  onRange?: (range: SecondRange) => void;
}

/** The whole seconds whose points lie under a selection from x value `start` to `end`. */
export function secondsUnder(start: number, end: number): SecondRange | null {
  const from = Math.max(0, Math.ceil(start));
  const to = Math.floor(end) + 1;
  return to > from ? { from, to } : null;
}

/**
 * A per-second chart (uPlot: thousands of points redrawn cheaply). Built once per set of series; new data
 * only replaces the columns (setData), so a live second costs one redraw, not a new chart.
 */
export function TimeSeriesChart({ title, unit, seconds, series, height = 200, range = null, onRange }: TimeSeriesChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  // The latest callback, read by the chart's hook (built once).
  const rangeHandler = useRef(onRange);
  rangeHandler.current = onRange;
  const labels = series.map((s) => `${s.label}:${s.color}`).join('|');

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height,
      scales: { x: { time: false } },
      axes: [
        { label: 'second', stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } },
        { label: unit, stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } },
      ],
      // Whole-pixel lines: a 1.5 px stroke is anti-aliased, and redrawing 3,600 points took 3× as long (bench:dashboard).
      series: [{ label: 'second' }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1, spanGaps: false }))],
      legend: { live: true },
      // A drag selects seconds (the range summary), it does not zoom.
      cursor: { drag: { x: true, y: false, setScale: false } },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width <= 0) return;
            const selected = secondsUnder(u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x'));
            if (selected) rangeHandler.current?.(selected);
          },
        ],
      },
    };
    chart.current = new uPlot(options, [[], ...series.map(() => [])], element);
    const resize = new ResizeObserver(() => chart.current?.setSize({ width: Math.max(element.clientWidth, 200), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
    // The chart is rebuilt only when its series or unit change; data goes through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labels, unit, height]);

  useEffect(() => {
    chart.current?.setData([seconds, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [seconds, series]);

  useEffect(() => {
    const u = chart.current;
    if (!u) return;
    if (!range) {
      u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
      return;
    }
    const left = u.valToPos(range.from - 0.5, 'x');
    u.setSelect({ left, top: 0, width: u.valToPos(range.to - 0.5, 'x') - left, height: u.over.clientHeight }, false);
  }, [range, seconds]);

  return (
    <figure className="rounded border border-gray-200 p-2 dark:border-gray-700" aria-label={title}>
      <figcaption className="mb-1 text-sm font-semibold">{title}</figcaption>
      <div ref={container} data-chart={title} data-points={seconds.length} />
    </figure>
  );
}
