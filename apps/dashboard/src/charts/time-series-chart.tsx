import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
}

export interface TimeSeriesChartProps {
  title: string;
  /** Unit shown on the y axis, e.g. `req/s` or `ms`. */
  unit: string;
  seconds: number[];
  series: ChartSeries[];
  height?: number;
}

/**
 * A per-second chart (uPlot: thousands of points redrawn cheaply). Built once per set of series; new data
 * only replaces the columns (setData), so a live second costs one redraw, not a new chart.
 */
export function TimeSeriesChart({ title, unit, seconds, series, height = 200 }: TimeSeriesChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
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
      series: [{ label: 'second' }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: false }))],
      legend: { live: true },
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

  return (
    <figure className="rounded border border-gray-200 p-2 dark:border-gray-700" aria-label={title}>
      <figcaption className="mb-1 text-sm font-semibold">{title}</figcaption>
      <div ref={container} data-chart={title} data-points={seconds.length} />
    </figure>
  );
}
