import { describe, expect, it } from '@jest/globals';
import type { ProfileDigest } from '../src/ingest/profile.js';
import type { Tool } from '../src/generator/ipc.js';
import {
  buildReport,
  cliSummary,
  describeLimits,
  flowSummary,
  formatTable,
  pairedRatios,
  profiledRun,
  summarizeTool,
  type RunRecord,
} from '../src/generator/report.js';

function run(tool: Tool, round: number, rps: number | null, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    round,
    order: (round - 1) * 5 + ['worker', 'autocannon', 'wrk', 'worker-flow', 'autocannon-flow'].indexOf(tool) + 1,
    tool,
    startedAt: '2026-01-01T00:00:00.000Z',
    rps,
    responses: rps === null ? null : rps * 10,
    elapsedSeconds: 10,
    non2xx: 0,
    errors: 0,
    generatorCpuCores: 0.99,
    responsesPerCpuSecond: rps === null ? null : Math.round(rps / 0.99),
    nginxCpuCores: tool === 'wrk' ? 0.8 : 0.6,
    generatorCpuBusy: 1,
    targetCpuBusy: 0.7,
    otherOnGeneratorCpu: 0.01,
    quiet: { quiet: true, waitedS: 2, busyCores: 0.01, blockers: [] },
    failure: rps === null ? 'driver exited with 1' : null,
    detail: {},
    ...extra,
  };
}

const CTX = {
  date: '2026-01-01T00:00:00.000Z',
  machine: { cores: 2 },
  code: { commit: 'abc' },
  parameters: { connections: 50 },
  target: { server: 'nginx 1.22.1' },
};

const RUNS: RunRecord[] = [
  run('worker', 1, 96000),
  run('autocannon', 1, 100000),
  run('wrk', 1, 170000),
  run('worker', 2, 94000),
  run('autocannon', 2, 99000),
  run('wrk', 2, 160000),
  run('worker', 3, 97000),
  run('autocannon', 3, 98000),
  run('wrk', 3, 175000),
];

describe('generator benchmark report', () => {
  it("takes each tool's median and the ratios of the medians", () => {
    const report = buildReport(RUNS, CTX);
    expect(report.workerRps).toBe(96000);
    expect(report.autocannonRps).toBe(99000);
    expect(report.wrkRps).toBe(170000);
    expect(report.ratioToAutocannon).toBe(0.9697);
    expect(report.ratioToWrk).toBe(0.5647);
    expect(report.goal).toEqual({ ratioToAutocannon: 0.95 });
    expect(report.meetsGoal).toBe(true);
    expect((report.rounds as { round: number; runs: RunRecord[] }[]).map((r) => r.runs.map((x) => x.tool))).toEqual([
      ['worker', 'autocannon', 'wrk'],
      ['worker', 'autocannon', 'wrk'],
      ['worker', 'autocannon', 'wrk'],
    ]);
    expect(report.nginxCpuCores).toHaveLength(9);
    expect(report).toMatchObject({
      benchmark: 'generator',
      date: CTX.date,
      machine: CTX.machine,
      code: CTX.code,
      parameters: CTX.parameters,
      target: CTX.target,
    });
  });

  it('sets the flow case apart: worker-flow against autocannon-flow, round by round, with its own 0.9 goal', () => {
    const flowRuns = [run('worker-flow', 1, 40000), run('autocannon-flow', 1, 50000), run('worker-flow', 2, 46000), run('autocannon-flow', 2, 50000)];
    const flow = flowSummary(flowRuns);
    expect(flow).toMatchObject({ workerRps: 43000, autocannonRps: 50000, ratioToAutocannon: 0.86, goal: { ratioToAutocannon: 0.9 }, meetsGoal: false });
    expect(flow.pairedRatios).toEqual({ perRound: [0.8, 0.92], median: 0.86 });
    const report = buildReport([...RUNS, ...flowRuns], CTX);
    expect(report.flow).toMatchObject({ ratioToAutocannon: 0.86, meetsGoal: false });
    // The get case's figures are those of its own tools only.
    expect(report.ratioToAutocannon).toBe(0.9697);
    expect(String(report.limits)).toMatch(/Flow case .* worker ÷ autocannon 0\.860 \(goal ≥ 0\.9: NOT met\)/);
    expect(formatTable([...RUNS, ...flowRuns], 3)).toMatch(/worker-flow +40000 +46000/);
    const flowOnly = buildReport(flowRuns, CTX);
    expect(String(flowOnly.limits)).toMatch(/^Flow case/);
    expect(buildReport(RUNS, CTX).flow).toBeNull();
  });

  it('the CLI (loadtest run, no master) against autocannon in the same rounds, with its first progress line', () => {
    const cliRuns = [
      run('cli', 1, 95000, { detail: { firstProgressLineMs: 600, startAfterCommandMs: 700 } }),
      run('cli', 2, 90000, { detail: { firstProgressLineMs: 2500, startAfterCommandMs: 2600 } }),
      run('cli', 3, 97000, { detail: { firstProgressLineMs: 800, startAfterCommandMs: 900 } }),
    ];
    const cli = cliSummary([...RUNS, ...cliRuns]);
    // Medians: cli 95000, autocannon 99000, worker 96000.
    expect(cli).toMatchObject({ cliRps: 95000, autocannonRps: 99000, ratioToAutocannon: 0.9596, ratioToWorker: 0.9896 });
    expect(cli.pairedRatios).toEqual({ perRound: [0.95, 0.9091, 0.9898], median: 0.95 });
    expect(cli).toMatchObject({ firstProgressLineMs: [600, 2500, 800], firstProgressLineMsMedian: 800, startAfterCommandMsMedian: 900, meetsGoal: true });
    // Either goal missed is not met: the rate, or the first line later than 2 s.
    expect(cliSummary([...RUNS, ...cliRuns.map((r) => ({ ...r, rps: (r.rps ?? 0) * 0.9 }))]).meetsGoal).toBe(false);
    expect(cliSummary([...RUNS, ...cliRuns.map((r) => ({ ...r, detail: { firstProgressLineMs: 2100 } }))]).meetsGoal).toBe(false);
    const report = buildReport([...RUNS, ...cliRuns], CTX);
    expect(String(report.limits)).toMatch(
      /loadtest run \(the CLI without a master, one engine thread\): 95000 responses\/s, autocannon 99000; CLI ÷ autocannon 0\.960 \(goal ≥ 0\.95: met\)/,
    );
    expect(buildReport(RUNS, CTX).cli).toBeNull();
  });

  it('misses the goal below 0.95 and says so', () => {
    const slow = RUNS.map((r) => (r.tool === 'worker' ? { ...r, rps: r.rps! * 0.9 } : r));
    const report = buildReport(slow, CTX);
    expect(report.meetsGoal).toBe(false);
    expect(String(report.limits)).toMatch(/goal ≥ 0\.95: NOT met/);
  });

  it('pairs the worker with the other tools round by round', () => {
    expect(pairedRatios(RUNS, 'autocannon')).toEqual({ perRound: [0.96, 0.9495, 0.9898], median: 0.96 });
    const withFailure = [...RUNS.filter((r) => !(r.round === 2 && r.tool === 'autocannon')), run('autocannon', 2, null)];
    expect(pairedRatios(withFailure, 'autocannon').perRound).toEqual([0.96, null, 0.9898]);
  });

  it('leaves failed runs out of the medians and counts them', () => {
    const s = summarizeTool([...RUNS, run('worker', 4, null)], 'worker');
    expect(s).toMatchObject({ runs: 3, failedRuns: 1, rpsMedian: 96000, rpsMin: 94000, rpsMax: 97000 });
    expect(s.rpsSpread).toBeCloseTo(3000 / 96000, 3);
    expect(buildReport([run('worker', 1, null), run('autocannon', 1, 1000)], CTX).ratioToAutocannon).toBeNull();
  });

  it('says when nginx neared its core, and when the machine was not quiet', () => {
    const busy = RUNS.map((r) => (r.tool === 'wrk' && r.round === 3 ? { ...r, nginxCpuCores: 0.97 } : r));
    const text = String(buildReport(busy, CTX).limits);
    expect(text).toMatch(/nginx reached ≥ 0\.9 of its core in 1 run\(s\) \(wrk round 3: 0\.97\)/);
    expect(text).toMatch(/wrk an upper bound/);
    const calm = String(buildReport(RUNS, CTX).limits);
    expect(calm).toMatch(/nginx was not the bottleneck: at most 0\.80 of its core/);
    expect(calm).toMatch(/quiet before every run/);
    const noisy = RUNS.map((r, i) => (i === 0 ? { ...r, quiet: { quiet: false, waitedS: 600, busyCores: 1.2, blockers: ['1 jest'] } } : r));
    expect(String(buildReport(noisy, CTX).limits)).toMatch(/NOT quiet before 1 run\(s\) \(worker round 1: 1\.20 cores busy, 1 heavy process\(es\)\)/);
  });

  it('compares the profiles per response', () => {
    const digest = (areas: [string, number][], app: ProfileDigest['byAppFunction'] = []): ProfileDigest => {
      const busyMs = areas.reduce((a, [, ms]) => a + ms, 0);
      return {
        busyMs,
        idleMs: 0,
        top: [{ fn: 'writeBuffer', where: '', selfMs: areas[0]![1], percent: 50 }],
        byArea: areas.map(([area, selfMs]) => ({ area, selfMs, percent: Math.round((selfMs / busyMs) * 1000) / 10 })),
        byAppFunction: app,
      };
    };
    const w = profiledRun(
      'worker',
      10,
      1_000_000,
      10_000,
      digest(
        [
          ['(native)', 5000],
          ['apps/worker', 200],
          ['libs/metrics', 100],
        ],
        [
          { fn: '(no application frame: libraries, I/O callbacks, GC)', where: '', totalMs: 5000, percent: 94.3 },
          { fn: '(anonymous)', where: 'libs/engine/src/load/share-run.ts', totalMs: 250, percent: 4.7 },
          { fn: 'emitWindow', where: 'libs/engine/src/load/share-run.ts', totalMs: 50, percent: 0.9 },
        ],
      ),
      'p-w',
    );
    const a = profiledRun('autocannon', 10, 1_000_000, 10_000, digest([['(native)', 5000]]), 'p-a');
    expect(w.busyMicrosPerResponse).toBe(5.3);
    expect(w.rps).toBe(100000);
    expect(w.byAreaMicrosPerResponse.find((x) => x.area === 'apps/worker')?.micros).toBe(0.2);
    expect(w.appCode).toEqual({ ms: 300, percent: 5.7, microsPerResponse: 0.3 });
    const summaries = { worker: summarizeTool(RUNS, 'worker'), autocannon: summarizeTool(RUNS, 'autocannon'), wrk: summarizeTool(RUNS, 'wrk') };
    const text = describeLimits({
      runs: RUNS,
      summaries,
      ratioToAutocannon: 0.97,
      ratioToWrk: 0.56,
      paired: { autocannon: pairedRatios(RUNS, 'autocannon'), wrk: pairedRatios(RUNS, 'wrk') },
      profiles: [w, a],
    });
    expect(text).toMatch(/worker spends 5\.30 µs of CPU per response, raw autocannon 5\.00 µs \(\+0\.30 µs, 6\.0 %;/);
    expect(text).toMatch(/apps\/worker 0\.20 vs 0\.00, libs\/metrics 0\.10 vs 0\.00/);
    expect(text).toMatch(/300 ms of its 5300 ms busy time \(5\.7 %, 0\.30 µs per response\) were spent under the worker's own functions/);
  });

  it('prints one row per tool with every round', () => {
    const table = formatTable(RUNS, 3);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/round 1\s+round 2\s+round 3\s+median/);
    expect(lines[1]).toMatch(/^worker\s+96000\s+94000\s+97000\s+96000\s+0\.99/);
    expect(formatTable([run('worker', 1, null)], 1)).toMatch(/worker\s+failed/);
  });
});
