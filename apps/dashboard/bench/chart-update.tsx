/**
 * The run page's charts alone, for `npm run bench:dashboard` (tools/bench/src/dashboard): a run of N stored
 * seconds, then live seconds applied one at a time exactly as the run page applies them (mergePoints,
 * runColumns, RunCharts' setData on its uPlot charts), each timed from the update to the end of
 * the work it caused (React's commit and uPlot's redraw). Not part of the app's build.
 */
import type { LatencySummary } from '@loadtest/protocol';
import { useMemo, useState } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { RunCharts } from '../src/charts/run-charts.js';
import { mergePoints, runColumns, type SecondPoint } from '../src/charts/run-series.js';

const latency = (second: number): LatencySummary => {
  const p50 = 1000 + (second % 17) * 40;
  return { min: 200, mean: p50 * 1.1, stdev: 300, p50, p75: p50 * 1.3, p90: p50 * 1.8, p95: p50 * 2.2, p99: p50 * 4, p999: p50 * 6, max: p50 * 9 };
};
const point = (second: number): SecondPoint => ({
  second,
  requests: 900 + (second % 13) * 10,
  errorCount: second % 29 === 0 ? 3 : 0,
  errors: { timeout: second % 29 === 0 ? 3 : 0, refused: 0, reset: 0, other: 0, interrupted: 0, blocked: 0 },
  statusCodes: { '200': 900, '503': second % 7 },
  latencyMicros: latency(second),
  dropped: 0,
  vus: 40 + (second % 5),
  workers: 4,
});

let applyLive: ((points: SecondPoint[]) => void) | null = null;

function Bench({ stored }: { stored: SecondPoint[] }) {
  const [live, setLive] = useState<SecondPoint[]>([]);
  applyLive = setLive;
  const columns = useMemo(() => runColumns(mergePoints(stored, live)), [stored, live]);
  return <RunCharts columns={columns} />;
}

/** Resolves after the tasks queued by the update (uPlot commits its redraw in a microtask) have run. */
const afterQueuedWork = () =>
  new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

async function run(storedSeconds: number, updates: number): Promise<{ updateMs: number[]; points: number }> {
  const element = document.getElementById('root')!;
  element.style.width = '1280px';
  const root = createRoot(element);
  const stored = Array.from({ length: storedSeconds }, (_, s) => point(s));
  flushSync(() => root.render(<Bench stored={stored} />));
  await afterQueuedWork();
  const live: SecondPoint[] = [];
  const updateMs: number[] = [];
  for (let i = 0; i < updates; i++) {
    live.push(point(storedSeconds + i));
    const next = [...live];
    const began = performance.now();
    flushSync(() => applyLive!(next));
    await afterQueuedWork();
    updateMs.push(performance.now() - began);
    // One update per second in a real run: let the page idle between them, as it would.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const points = Number(document.querySelector('[data-chart="Latency"]')!.getAttribute('data-points'));
  root.unmount();
  return { updateMs, points };
}

(window as unknown as { bench: { run: typeof run } }).bench = { run };
