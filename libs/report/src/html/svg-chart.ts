import { escapeHtml } from './escape.js';

/**
 * Charts as inline SVG, drawn here: the report must open offline and load nothing, so no chart library and
 * no script. Each chart is a <figure> holding one <svg> (axes, grid, one <path> per series or bar) and a legend.
 */

const WIDTH = 880;
const HEIGHT = 240;
const MARGIN = { left: 72, right: 16, top: 12, bottom: 34 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

export interface LineSeries {
  name: string;
  color: string;
  /** One value per x; null leaves a gap (no data for that bucket). */
  values: readonly (number | null)[];
}

export interface LineChartSpec {
  /** Tells the charts apart (`data-chart`), and names the SVG's title element. */
  id: string;
  title: string;
  /** Seconds since the run started, increasing. */
  xs: readonly number[];
  series: readonly LineSeries[];
  formatY(value: number): string;
  formatX(seconds: number): string;
}

export interface Bar {
  value: number;
  /** Shown on hover (the SVG <title> of the bar). */
  tooltip: string;
}

export interface BarChartSpec {
  id: string;
  title: string;
  bars: readonly Bar[];
  /** One label per bar edge (bars + 1); some are shown under the axis. */
  edgeLabels: readonly string[];
  formatY(value: number): string;
  color: string;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** 1, 2 or 5 times a power of ten: ticks people read at a glance. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** Ticks from 0 to at least `max`, the last one the axis' top (1 for all-zero data, so that the axis has a height). */
function yTicks(max: number): number[] {
  const top = max > 0 ? max : 1;
  const step = niceStep(top, 4);
  const ticks: number[] = [];
  for (let tick = 0; ticks.length === 0 || ticks.at(-1)! < top; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

function yAxis(ticks: readonly number[], formatY: (value: number) => string): string {
  const top = ticks.at(-1)!;
  return ticks
    .map((tick) => {
      const y = round(MARGIN.top + PLOT_H - (tick / top) * PLOT_H);
      return (
        `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}"/>` +
        `<text class="tick" x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end">${escapeHtml(formatY(tick))}</text>`
      );
    })
    .join('');
}

const frame = (spec: { id: string; title: string }, body: string, legend: string) =>
  `<figure class="chart" data-chart="${escapeHtml(spec.id)}">` +
  `<figcaption>${escapeHtml(spec.title)}</figcaption>` +
  `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="chart-${escapeHtml(spec.id)}-title">` +
  `<title id="chart-${escapeHtml(spec.id)}-title">${escapeHtml(spec.title)}</title>` +
  `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_H}"/>` +
  `<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + PLOT_H}" y2="${MARGIN.top + PLOT_H}"/>` +
  body +
  `</svg>${legend}</figure>`;

const legendOf = (items: readonly { name: string; color: string }[]) =>
  `<ul class="legend">${items.map((item) => `<li><span class="swatch" style="background:${item.color}"></span>${escapeHtml(item.name)}</li>`).join('')}</ul>`;

/** Series over time as lines, with a dot on each value when there are few of them (a 1-point series shows too). */
export function lineChart(spec: LineChartSpec): string {
  const max = Math.max(0, ...spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const ticks = yTicks(max);
  const top = ticks.at(-1)!;
  const first = spec.xs[0] ?? 0;
  const span = Math.max(1, (spec.xs.at(-1) ?? 0) - first);
  const x = (second: number) => round(MARGIN.left + ((second - first) / span) * PLOT_W);
  const y = (value: number) => round(MARGIN.top + PLOT_H - (value / top) * PLOT_H);
  // Whole seconds at least: the buckets are whole seconds.
  const xStep = Math.max(1, niceStep(span, 8));
  let xAxis = '';
  for (let second = 0; second <= span; second += xStep)
    xAxis += `<text class="tick" x="${x(first + second)}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${escapeHtml(spec.formatX(first + second))}</text>`;
  const dots = spec.xs.length <= 60;
  const lines = spec.series
    .map((series) => {
      let d = '';
      let pen = false;
      let marks = '';
      series.values.forEach((value, i) => {
        if (value === null) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${x(spec.xs[i]!)},${y(value)}`;
        pen = true;
        if (dots) marks += `<circle cx="${x(spec.xs[i]!)}" cy="${y(value)}" r="2.5" fill="${series.color}"/>`;
      });
      return d === ''
        ? ''
        : `<g class="series" data-series="${escapeHtml(series.name)}"><title>${escapeHtml(series.name)}</title>` +
            `<path d="${d}" fill="none" stroke="${series.color}" stroke-width="2" stroke-linejoin="round"/>${marks}</g>`;
    })
    .join('');
  return frame(spec, yAxis(ticks, spec.formatY) + xAxis + lines, legendOf(spec.series));
}

/** Bars of equal width side by side, each a <path> with its figure as a tooltip. */
export function barChart(spec: BarChartSpec): string {
  const max = Math.max(0, ...spec.bars.map((b) => b.value));
  const ticks = yTicks(max);
  const top = ticks.at(-1)!;
  const width = PLOT_W / Math.max(1, spec.bars.length);
  const bars = spec.bars
    .map((bar, i) => {
      const height = round((bar.value / top) * PLOT_H);
      const left = round(MARGIN.left + i * width + 1);
      return (
        `<path class="bar" d="M${left},${MARGIN.top + PLOT_H}v${-height}h${round(width - 2)}v${height}Z" fill="${spec.color}">` +
        `<title>${escapeHtml(bar.tooltip)}</title></path>`
      );
    })
    .join('');
  // About six labels under the axis, always the first and the last edge.
  const every = Math.max(1, Math.ceil(spec.bars.length / 6));
  let xAxis = '';
  spec.edgeLabels.forEach((label, i) => {
    if (i % every !== 0 && i !== spec.edgeLabels.length - 1) return;
    xAxis += `<text class="tick" x="${round(MARGIN.left + i * width)}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${escapeHtml(label)}</text>`;
  });
  return frame(spec, yAxis(ticks, spec.formatY) + xAxis + bars, legendOf([{ name: 'responses', color: spec.color }]));
}
