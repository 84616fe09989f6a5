import type { ProfileDigest } from '../ingest/profile.js';
import { TOOLS, type Tool } from './ipc.js';
import type { QuietCheck } from './proc.js';
import { max, median, ratio, round, spread } from './stats.js';

/** What one measured run of one generator gave, as written into the JSON. */
export interface RunRecord {
  /** Round, from 1. */
  round: number;
  /** Position in the whole sequence of runs, from 1. */
  order: number;
  tool: Tool;
  /** ISO date of the run's start. */
  startedAt: string;
  /** Null when the run failed (see `failure`). */
  rps: number | null;
  responses: number | null;
  elapsedSeconds: number | null;
  non2xx: number | null;
  errors: number | null;
  /** The generator's own CPU (user + system) over the run, in cores; ≈ 1 means it used its whole core. */
  generatorCpuCores: number | null;
  /** Responses per CPU-second of the generator: what it gets out of its core, less sensitive to CPU stolen by others. */
  responsesPerCpuSecond: number | null;
  /** nginx (master + worker) CPU over the run, in cores of its one CPU. */
  nginxCpuCores: number | null;
  /** Busy fraction of the generator's CPU and of nginx's CPU over the run (/proc/stat), whoever used them. */
  generatorCpuBusy: number | null;
  targetCpuBusy: number | null;
  /** Busy time of the generator's CPU not spent by the generator (other processes, interrupts), in cores. */
  otherOnGeneratorCpu: number | null;
  /** The machine before the run (see --quiet-*). */
  quiet: QuietCheck;
  failure: string | null;
  detail: Record<string, unknown>;
}

export interface ToolSummary {
  tool: Tool;
  runs: number;
  failedRuns: number;
  rpsMedian: number | null;
  rpsMin: number | null;
  rpsMax: number | null;
  /** (max − min) / median of the rounds' rps. */
  rpsSpread: number | null;
  responsesPerCpuSecondMedian: number | null;
  generatorCpuCoresMedian: number | null;
  nginxCpuCoresMedian: number | null;
  nginxCpuCoresMax: number | null;
}

export const GOAL = { ratioToAutocannon: 0.95 } as const;

/** The flow case's goal (issue 11): the worker's 2-step flow at ≥ 0.9× autocannon's own 2-request sequence. */
export const FLOW_GOAL = { ratioToAutocannon: 0.9 } as const;

/** Issue 15: `loadtest run` on one core at ≥ 0.95× raw autocannon, its first progress line within 2 s of the command. */
export const CLI_GOAL = { ratioToAutocannon: 0.95, firstProgressLineMs: 2000 } as const;

/** nginx at or above this share of its core means the target may be what limits a run. */
export const NGINX_BUSY_LIMIT = 0.9;

function values(runs: readonly RunRecord[], pick: (r: RunRecord) => number | null): number[] {
  return runs.map(pick).filter((v): v is number => v !== null && Number.isFinite(v));
}

export function summarizeTool(runs: readonly RunRecord[], tool: Tool): ToolSummary {
  const mine = runs.filter((r) => r.tool === tool);
  const ok = mine.filter((r) => r.failure === null && r.rps !== null);
  const rps = values(ok, (r) => r.rps);
  return {
    tool,
    runs: ok.length,
    failedRuns: mine.length - ok.length,
    rpsMedian: round(median(rps), 0),
    rpsMin: round(rps.length > 0 ? Math.min(...rps) : null, 0),
    rpsMax: round(max(rps), 0),
    rpsSpread: round(spread(rps), 3),
    responsesPerCpuSecondMedian: round(median(values(ok, (r) => r.responsesPerCpuSecond)), 0),
    generatorCpuCoresMedian: round(median(values(ok, (r) => r.generatorCpuCores)), 3),
    nginxCpuCoresMedian: round(median(values(ok, (r) => r.nginxCpuCores)), 3),
    nginxCpuCoresMax: round(max(values(ok, (r) => r.nginxCpuCores)), 3),
  };
}

/** Worker (or `mine`) ÷ other tool within each round (the runs next to each other in time), and their median. */
export function pairedRatios(runs: readonly RunRecord[], other: Tool, mine: Tool = 'worker'): { perRound: (number | null)[]; median: number | null } {
  const rounds = [...new Set(runs.filter((r) => r.tool === mine || r.tool === other).map((r) => r.round))].sort((a, b) => a - b);
  const perRound = rounds.map((round_) => {
    const w = runs.find((r) => r.round === round_ && r.tool === mine);
    const o = runs.find((r) => r.round === round_ && r.tool === other);
    return round(ratio(w?.failure === null ? w.rps : null, o?.failure === null ? o.rps : null), 4);
  });
  return { perRound, median: round(median(perRound.filter((v): v is number => v !== null)), 4) };
}

/** An extra run under the CPU profiler (not counted in the figures above). */
export interface ProfiledRun {
  tool: 'worker' | 'autocannon' | 'worker-flow' | 'autocannon-flow';
  durationSeconds: number;
  responses: number;
  rps: number;
  /** Sampled busy time per response, µs (profiler overhead included). */
  busyMicrosPerResponse: number | null;
  /** Self time per package or project, per response, µs. */
  byAreaMicrosPerResponse: { area: string; micros: number; percent: number }[];
  /**
   * Time under the worker's own functions (apps/…: the pacing gate, its response callback and what it calls — the
   * recorder, the histogram —, window encoding), libraries included. The gate calls autocannon's request write, so
   * this includes that write; the worker's direct overhead is its self time (`byAreaMicrosPerResponse`).
   */
  appCode: { ms: number; percent: number; microsPerResponse: number | null };
  digest: ProfileDigest;
  profileFile: string;
}

export function profiledRun(
  tool: ProfiledRun['tool'],
  durationSeconds: number,
  responses: number,
  elapsedMs: number,
  digest: ProfileDigest,
  profileFile: string,
): ProfiledRun {
  const perResponse = (ms: number) => (responses > 0 ? round((ms * 1000) / responses, 3) : null);
  const appMs = digest.byAppFunction.filter((f) => f.where !== '').reduce((sum, f) => sum + f.totalMs, 0);
  return {
    tool,
    durationSeconds,
    responses,
    rps: round(elapsedMs > 0 ? responses / (elapsedMs / 1000) : 0, 0) ?? 0,
    busyMicrosPerResponse: perResponse(digest.busyMs),
    byAreaMicrosPerResponse: digest.byArea.map((a) => ({ area: a.area, micros: perResponse(a.selfMs) ?? 0, percent: a.percent })),
    appCode: { ms: appMs, percent: digest.busyMs > 0 ? (round((appMs / digest.busyMs) * 100, 1) ?? 0) : 0, microsPerResponse: perResponse(appMs) },
    digest,
    profileFile,
  };
}

export function fmt(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '?';
  return value.toFixed(digits);
}

function pct(value: number | null): string {
  return value === null ? '?' : `${(value * 100).toFixed(0)} %`;
}

export interface LimitsInput {
  runs: readonly RunRecord[];
  summaries: Record<'worker' | 'autocannon' | 'wrk', ToolSummary>;
  ratioToAutocannon: number | null;
  ratioToWrk: number | null;
  paired: { autocannon: { perRound: (number | null)[]; median: number | null }; wrk: { perRound: (number | null)[]; median: number | null } };
  profiles: ProfiledRun[];
}

/** What the measurements say, in words: the verdict, what bounded each tool, how noisy it was, where the worker's time goes. */
export function describeLimits(input: LimitsInput): string {
  const { runs, summaries: s, profiles } = input;
  const parts: string[] = [];
  const w = s.worker;
  const a = s.autocannon;
  const k = s.wrk;
  parts.push(
    `Medians over ${w.runs}/${a.runs}/${k.runs} runs: worker ${fmt(w.rpsMedian, 0)} req/s, raw autocannon ${fmt(a.rpsMedian, 0)}, wrk ${fmt(k.rpsMedian, 0)}; ` +
      `worker ÷ autocannon ${fmt(input.ratioToAutocannon, 3)} (goal ≥ ${GOAL.ratioToAutocannon}: ${input.ratioToAutocannon === null ? 'unknown' : input.ratioToAutocannon >= GOAL.ratioToAutocannon ? 'met' : 'NOT met'}), worker ÷ wrk ${fmt(input.ratioToWrk, 3)}.`,
  );
  const pr = input.paired.autocannon.perRound.map((v) => fmt(v, 3)).join(', ');
  parts.push(`Paired within each round (worker vs the autocannon run right after it): ${pr} (median ${fmt(input.paired.autocannon.median, 3)}).`);
  const eff = ratio(w.responsesPerCpuSecondMedian, a.responsesPerCpuSecondMedian);
  parts.push(
    `Per CPU-second of the generator: worker ${fmt(w.responsesPerCpuSecondMedian, 0)} responses, autocannon ${fmt(a.responsesPerCpuSecondMedian, 0)}, wrk ${fmt(k.responsesPerCpuSecondMedian, 0)} ` +
      `(worker ÷ autocannon ${fmt(eff, 3)}; this ratio does not depend on how much of its core a generator got).`,
  );
  const cpuBound = (t: ToolSummary) => t.generatorCpuCoresMedian !== null && t.generatorCpuCoresMedian >= 0.9;
  parts.push(
    `Generator CPU (median, cores of its one CPU): worker ${fmt(w.generatorCpuCoresMedian, 2)}, autocannon ${fmt(a.generatorCpuCoresMedian, 2)}, wrk ${fmt(k.generatorCpuCoresMedian, 2)}` +
      ([w, a, k].every(cpuBound)
        ? ' — each generator was CPU-bound on its core, so the rates compare the generators themselves.'
        : `; not CPU-bound: ${[w, a, k]
            .filter((t) => !cpuBound(t))
            .map((t) => t.tool)
            .join(', ')} (something else limited those runs: the target, the network stack or the shared machine).`),
  );
  const nginxMax = max(
    values(
      runs.filter((r) => r.failure === null),
      (r) => r.nginxCpuCores,
    ),
  );
  const busyNginx = runs.filter((r) => r.failure === null && r.nginxCpuCores !== null && r.nginxCpuCores >= NGINX_BUSY_LIMIT);
  parts.push(
    busyNginx.length === 0
      ? `nginx was not the bottleneck: at most ${fmt(nginxMax, 2)} of its core in any run (median worker ${fmt(w.nginxCpuCoresMedian, 2)}, autocannon ${fmt(a.nginxCpuCoresMedian, 2)}, wrk ${fmt(k.nginxCpuCoresMedian, 2)}).`
      : `nginx reached ≥ ${NGINX_BUSY_LIMIT} of its core in ${busyNginx.length} run(s) (${busyNginx.map((r) => `${r.tool} round ${r.round}: ${fmt(r.nginxCpuCores, 2)}`).join(', ')}): the target may have limited those runs` +
          (busyNginx.every((r) => r.tool === 'wrk')
            ? ' (only wrk: its figure is then a lower bound of what wrk could do and the ratio to wrk an upper bound; the ratio to autocannon is unaffected).'
            : '.'),
  );
  const notQuiet = runs.filter((r) => !r.quiet.quiet);
  const stolen = max(
    values(
      runs.filter((r) => r.failure === null),
      (r) => r.otherOnGeneratorCpu,
    ),
  );
  parts.push(
    (notQuiet.length === 0
      ? `The machine was quiet before every run.`
      : `The machine was NOT quiet before ${notQuiet.length} run(s) (${notQuiet.map((r) => `${r.tool} round ${r.round}: ${fmt(r.quiet.busyCores, 2)} cores busy${r.quiet.blockers.length > 0 ? `, ${r.quiet.blockers.length} heavy process(es)` : ''}`).join('; ')}).`) +
      ` Other work on the generators' CPU during a run: at most ${fmt(stolen, 2)} cores. Spread of the rounds ((max − min) / median): worker ${pct(w.rpsSpread)}, autocannon ${pct(a.rpsSpread)}, wrk ${pct(k.rpsSpread)}.`,
  );
  const failed = runs.filter((r) => r.failure !== null);
  if (failed.length > 0) parts.push(`Failed runs: ${failed.map((r) => `${r.tool} round ${r.round}: ${r.failure}`).join('; ')}.`);
  const pw = profiles.find((p) => p.tool === 'worker');
  const pa = profiles.find((p) => p.tool === 'autocannon');
  if (pw && pa && pw.busyMicrosPerResponse !== null && pa.busyMicrosPerResponse !== null) {
    const areas = new Map<string, { worker: number; autocannon: number }>();
    for (const x of pw.byAreaMicrosPerResponse) areas.set(x.area, { worker: x.micros, autocannon: 0 });
    for (const x of pa.byAreaMicrosPerResponse) areas.set(x.area, { worker: areas.get(x.area)?.worker ?? 0, autocannon: x.micros });
    const diffs = [...areas.entries()].map(([area, v]) => ({ area, ...v, extra: v.worker - v.autocannon })).sort((x, y) => y.extra - x.extra);
    const extra = pw.busyMicrosPerResponse - pa.busyMicrosPerResponse;
    parts.push(
      `CPU profile of the worker (one extra ${pw.durationSeconds} s run, not counted): ${pw.appCode.ms} ms of its ${pw.digest.busyMs} ms busy time (${pw.appCode.percent} %, ${fmt(pw.appCode.microsPerResponse, 2)} µs per response) ` +
        `were spent under the worker's own functions (libs/engine and apps/worker: the response callback, the window recorder and its histogram, encoding a window each second, and for paced scenarios the gate that calls autocannon's request write, which then counts here too) — its direct overhead over raw autocannon; the rest is autocannon, Node's HTTP parser and socket writes, as in raw autocannon.`,
    );
    parts.push(
      `Comparing with a profiled raw autocannon run: the worker spends ${fmt(pw.busyMicrosPerResponse, 2)} µs of CPU per response, raw autocannon ${fmt(pa.busyMicrosPerResponse, 2)} µs ` +
        `(${extra >= 0 ? '+' : ''}${fmt(extra, 2)} µs, ${fmt((extra / pa.busyMicrosPerResponse) * 100, 1)} %; one run each, so this includes the run-to-run noise of the kernel's loopback path). By package, µs per response, worker vs autocannon: ` +
        diffs
          .filter((d) => Math.abs(d.extra) >= 0.02)
          .slice(0, 8)
          .map((d) => `${d.area} ${fmt(d.worker, 2)} vs ${fmt(d.autocannon, 2)}`)
          .join(', ') +
        `. The worker's hottest functions (self time): ${pw.digest.top
          .slice(0, 8)
          .map((f) => `${f.fn} (${f.where || 'native'}) ${f.percent}%`)
          .join(', ')}.`,
    );
  }
  return parts.join(' ');
}

export interface ReportContext {
  date: string;
  machine: Record<string, unknown>;
  code: Record<string, unknown>;
  parameters: Record<string, unknown>;
  target: Record<string, unknown>;
}

/** The JSON written to bench-results/generator.json. */
export function buildReport(runs: readonly RunRecord[], ctx: ReportContext, profiles: ProfiledRun[] = []): Record<string, unknown> {
  const summaries = { worker: summarizeTool(runs, 'worker'), autocannon: summarizeTool(runs, 'autocannon'), wrk: summarizeTool(runs, 'wrk') };
  const workerRps = summaries.worker.rpsMedian;
  const autocannonRps = summaries.autocannon.rpsMedian;
  const wrkRps = summaries.wrk.rpsMedian;
  const ratioToAutocannon = round(ratio(workerRps, autocannonRps), 4);
  const ratioToWrk = round(ratio(workerRps, wrkRps), 4);
  const paired = { autocannon: pairedRatios(runs, 'autocannon'), wrk: pairedRatios(runs, 'wrk') };
  const flow = runs.some((r) => r.tool === 'worker-flow' || r.tool === 'autocannon-flow') ? flowSummary(runs) : null;
  const cli = runs.some((r) => r.tool === 'cli') ? cliSummary(runs) : null;
  return {
    benchmark: 'generator',
    date: ctx.date,
    workerRps,
    autocannonRps,
    wrkRps,
    ratioToAutocannon,
    ratioToWrk,
    goal: GOAL,
    meetsGoal: ratioToAutocannon !== null && ratioToAutocannon >= GOAL.ratioToAutocannon,
    pairedRatios: paired,
    efficiency: {
      workerResponsesPerCpuSecond: summaries.worker.responsesPerCpuSecondMedian,
      autocannonResponsesPerCpuSecond: summaries.autocannon.responsesPerCpuSecondMedian,
      wrkResponsesPerCpuSecond: summaries.wrk.responsesPerCpuSecondMedian,
      ratioToAutocannon: round(ratio(summaries.worker.responsesPerCpuSecondMedian, summaries.autocannon.responsesPerCpuSecondMedian), 4),
    },
    nginxCpuCores: runs.map((r) => ({ round: r.round, tool: r.tool, cores: r.nginxCpuCores })),
    cli,
    flow,
    limits: [
      runs.some((r) => TOOLS.includes(r.tool)) ? describeLimits({ runs, summaries, ratioToAutocannon, ratioToWrk, paired, profiles }) : '',
      cli ? describeCli(cli) : '',
      flow ? describeFlow(flow) : '',
    ]
      .filter((text) => text !== '')
      .join(' '),
    tools: summaries,
    rounds: groupByRound(runs),
    target: ctx.target,
    parameters: ctx.parameters,
    machine: ctx.machine,
    code: ctx.code,
    definitions: {
      workerRps:
        "median over the rounds of: responses counted in the windows the worker produced (sum of every window's requests) ÷ the measured interval (ShareRun's onStarted → run() resolved, every connection closed)",
      autocannonRps: "median over the rounds of: autocannon's requests.total (responses received) ÷ the interval from calling autocannon() to its callback",
      wrkRps: 'median over the rounds of wrk\'s own "Requests/sec" (completed requests ÷ its run time)',
      ratioToAutocannon: 'workerRps ÷ autocannonRps (medians); pairedRatios: the same within each round',
      cliRps:
        "median over the rounds of: the requests in `loadtest run`'s JSON report ÷ the seconds it measured (summary.durationSeconds); firstProgressLineMs: from spawning the command to its first progress line on stdout",
      nginxCpuCores: "utime+stime of nginx's master and worker (/proc/<pid>/stat) over each run, in cores; 1.0 = its whole CPU",
      generatorCpuCores:
        "the generator's own user+system CPU over the measured interval (process.cpuUsage for the Node tools, bash's `time` for wrk), in cores",
    },
    profiledRuns: profiles,
  };
}

export interface CliSummary {
  cliRps: number | null;
  autocannonRps: number | null;
  /** cliRps ÷ autocannonRps (medians). */
  ratioToAutocannon: number | null;
  pairedRatios: { perRound: (number | null)[]; median: number | null };
  /** cliRps ÷ workerRps (medians): what the command costs over the engine alone. */
  ratioToWorker: number | null;
  firstProgressLineMs: (number | null)[];
  firstProgressLineMsMedian: number | null;
  startAfterCommandMsMedian: number | null;
  goal: typeof CLI_GOAL;
  meetsGoal: boolean;
  tool: ToolSummary;
}

const detailNumber = (r: RunRecord, key: string): number | null => {
  const value = r.detail[key];
  return typeof value === 'number' ? value : null;
};

/** `loadtest run` (no master, one engine thread) against raw autocannon, in the same rounds. */
export function cliSummary(runs: readonly RunRecord[]): CliSummary {
  const tool = summarizeTool(runs, 'cli');
  const autocannon = summarizeTool(runs, 'autocannon');
  const worker = summarizeTool(runs, 'worker');
  const ok = runs.filter((r) => r.tool === 'cli' && r.failure === null);
  const firstLines = ok.map((r) => detailNumber(r, 'firstProgressLineMs'));
  const firstMedian = round(median(firstLines.filter((v): v is number => v !== null)), 0);
  const ratioToAutocannon = round(ratio(tool.rpsMedian, autocannon.rpsMedian), 4);
  return {
    cliRps: tool.rpsMedian,
    autocannonRps: autocannon.rpsMedian,
    ratioToAutocannon,
    pairedRatios: pairedRatios(runs, 'autocannon', 'cli'),
    ratioToWorker: round(ratio(tool.rpsMedian, worker.rpsMedian), 4),
    firstProgressLineMs: firstLines,
    firstProgressLineMsMedian: firstMedian,
    startAfterCommandMsMedian: round(median(values(ok, (r) => detailNumber(r, 'startAfterCommandMs'))), 0),
    goal: CLI_GOAL,
    meetsGoal:
      ratioToAutocannon !== null && ratioToAutocannon >= CLI_GOAL.ratioToAutocannon && firstMedian !== null && firstMedian <= CLI_GOAL.firstProgressLineMs,
    tool,
  };
}

export function describeCli(c: CliSummary): string {
  return (
    `loadtest run (the CLI without a master, one engine thread): ${fmt(c.cliRps, 0)} responses/s, autocannon ${fmt(c.autocannonRps, 0)}; ` +
    `CLI ÷ autocannon ${fmt(c.ratioToAutocannon, 3)} (goal ≥ ${CLI_GOAL.ratioToAutocannon}: ${c.ratioToAutocannon === null ? 'unknown' : c.ratioToAutocannon >= CLI_GOAL.ratioToAutocannon ? 'met' : 'NOT met'}), ` +
    `paired per round ${c.pairedRatios.perRound.map((v) => fmt(v, 3)).join(', ')} (median ${fmt(c.pairedRatios.median, 3)}), CLI ÷ worker ${fmt(c.ratioToWorker, 3)}; ` +
    `first progress line ${fmt(c.firstProgressLineMsMedian, 0)} ms after the command (goal ≤ ${CLI_GOAL.firstProgressLineMs}), the run starting ${fmt(c.startAfterCommandMsMedian, 0)} ms after it.`
  );
}

export interface FlowSummary {
  case: string;
  workerRps: number | null;
  autocannonRps: number | null;
  /** workerRps ÷ autocannonRps (medians). */
  ratioToAutocannon: number | null;
  pairedRatios: { perRound: (number | null)[]; median: number | null };
  goal: typeof FLOW_GOAL;
  meetsGoal: boolean;
  /** Responses per CPU-second, worker ÷ autocannon (medians). */
  efficiencyRatio: number | null;
  tools: { worker: ToolSummary; autocannon: ToolSummary };
}

/** The flow case: the worker's flow path (worker-flow) against autocannon's own 2-request sequence (autocannon-flow). */
export function flowSummary(runs: readonly RunRecord[]): FlowSummary {
  const worker = summarizeTool(runs, 'worker-flow');
  const autocannon = summarizeTool(runs, 'autocannon-flow');
  const ratioToAutocannon = round(ratio(worker.rpsMedian, autocannon.rpsMedian), 4);
  return {
    case: 'per iteration GET / then POST / with a JSON body; the worker checks the POST status (a flow), autocannon sends its requests sequence',
    workerRps: worker.rpsMedian,
    autocannonRps: autocannon.rpsMedian,
    ratioToAutocannon,
    pairedRatios: pairedRatios(runs, 'autocannon-flow', 'worker-flow'),
    goal: FLOW_GOAL,
    meetsGoal: ratioToAutocannon !== null && ratioToAutocannon >= FLOW_GOAL.ratioToAutocannon,
    efficiencyRatio: round(ratio(worker.responsesPerCpuSecondMedian, autocannon.responsesPerCpuSecondMedian), 4),
    tools: { worker, autocannon },
  };
}

export function describeFlow(f: FlowSummary): string {
  return (
    `Flow case (GET / then POST JSON, the worker's flow path with a status check vs autocannon's own 2-request sequence): worker ${fmt(f.workerRps, 0)} responses/s, autocannon ${fmt(f.autocannonRps, 0)}; ` +
    `worker ÷ autocannon ${fmt(f.ratioToAutocannon, 3)} (goal ≥ ${FLOW_GOAL.ratioToAutocannon}: ${f.ratioToAutocannon === null ? 'unknown' : f.meetsGoal ? 'met' : 'NOT met'}), ` +
    `paired per round ${f.pairedRatios.perRound.map((v) => fmt(v, 3)).join(', ')} (median ${fmt(f.pairedRatios.median, 3)}), per CPU-second ${fmt(f.efficiencyRatio, 3)}.`
  );
}

function groupByRound(runs: readonly RunRecord[]): { round: number; runs: RunRecord[] }[] {
  const rounds = [...new Set(runs.map((r) => r.round))].sort((a, b) => a - b);
  return rounds.map((n) => ({ round: n, runs: runs.filter((r) => r.round === n).sort((a, b) => a.order - b.order) }));
}

function cell(value: number | string | null | undefined, width: number, digits = 0): string {
  const text = value === null || value === undefined ? '—' : typeof value === 'number' ? value.toFixed(digits) : value;
  return text.padStart(width);
}

/** A plain-text table of the runs, for the terminal. */
export function formatTable(runs: readonly RunRecord[], rounds: number): string {
  const roundHeads = Array.from({ length: rounds }, (_, i) => cell(`round ${i + 1}`, 9)).join(' ');
  const head = `${'tool'.padEnd(15)} ${roundHeads} ${cell('median', 9)} ${cell('CPU', 5)} ${cell('resp/CPU-s', 10)} ${cell('nginx CPU', 9)}`;
  const present = (['worker', 'autocannon', 'wrk', 'cli', 'worker-flow', 'autocannon-flow'] as const).filter((tool) => runs.some((r) => r.tool === tool));
  const rows = present.map((tool) => {
    const s = summarizeTool(runs, tool);
    const perRound = Array.from({ length: rounds }, (_, i) => {
      const r = runs.find((x) => x.tool === tool && x.round === i + 1);
      return cell(r ? (r.failure === null ? r.rps : 'failed') : null, 9);
    }).join(' ');
    return `${tool.padEnd(15)} ${perRound} ${cell(s.rpsMedian, 9)} ${cell(s.generatorCpuCoresMedian, 5, 2)} ${cell(s.responsesPerCpuSecondMedian, 10)} ${cell(s.nginxCpuCoresMedian, 9, 2)}`;
  });
  return [head, ...rows].join('\n');
}
