import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { clockTicksPerSecond, readStat, type SystemCpu } from '../ingest/proc.js';

/** Per-CPU load and process CPU from Linux's /proc, for pinning checks. */

/** The `cpuN` lines of /proc/stat: busy and total ticks of each CPU, by its number. */
export function parsePerCpuStat(text: string): Map<number, SystemCpu> {
  const cpus = new Map<number, SystemCpu>();
  for (const line of text.split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line.trim());
    if (!match) continue;
    const v = match[2]!.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest is already in user)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
    const busy = user + nice + system + irq + softirq + steal;
    cpus.set(Number(match[1]), { busy, total: busy + idle + iowait });
  }
  return cpus;
}

export function readPerCpu(): Map<number, SystemCpu> {
  try {
    return parsePerCpuStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return new Map();
  }
}

/** The parent pid (4th field) of a /proc/<pid>/stat line. */
export function parsePpid(statText: string): number | null {
  const close = statText.lastIndexOf(')');
  if (close < 0) return null;
  const ppid = Number(
    statText
      .slice(close + 2)
      .trim()
      .split(/\s+/)[1],
  );
  return Number.isInteger(ppid) ? ppid : null;
}

/** Direct children of a process, found by scanning /proc (bounded by the number of processes). */
export function childPids(pid: number): number[] {
  const found: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (parsePpid(readFileSync(`/proc/${entry}/stat`, 'utf8')) === pid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Total CPU ticks (utime + stime) of a set of processes; the ones gone count 0. */
export function processTicks(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) ticks += readStat(pid)?.cpuTicks ?? 0;
  return ticks;
}

/** Processes (pid and command line) whose command line matches `pattern`, as `pgrep -f` finds them; excludes this process. */
export function matchingProcesses(pattern: string): string[] {
  try {
    const out = execFileSync('pgrep', ['-af', pattern], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    return out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith(`${process.pid} `));
  } catch {
    // pgrep exits 1 when nothing matches.
    return [];
  }
}

export interface CpuSample {
  /** Epoch ms. */
  at: number;
  perCpu: Map<number, SystemCpu>;
  /** CPU ticks of the watched processes (the target), cumulative. */
  watchedTicks: number;
}

/** Usage over an interval: cores kept busy per CPU and by the watched processes. */
export interface IntervalUsage {
  fromMs: number;
  toMs: number;
  /** Fraction of each CPU that was busy, 0..1, by CPU number. */
  cpuBusy: Record<string, number>;
  /** Cores used by the watched processes. */
  watchedCores: number;
}

/**
 * Usage between the last sample at or before `fromMs` and the first at or
 * after `toMs` (so the interval covers the requested one, rounded out to the
 * sampling period); null when the samples do not cover it.
 */
export function usageBetween(samples: readonly CpuSample[], fromMs: number, toMs: number, ticksPerSecond: number): IntervalUsage | null {
  let first: CpuSample | undefined;
  let last: CpuSample | undefined;
  for (const s of samples) {
    if (s.at <= fromMs) first = s;
    if (s.at >= toMs && !last) last = s;
  }
  if (!first || !last || last.at <= first.at) return null;
  const cpuBusy: Record<string, number> = {};
  for (const [cpu, end] of last.perCpu) {
    const start = first.perCpu.get(cpu);
    if (!start) continue;
    const total = end.total - start.total;
    cpuBusy[String(cpu)] = total > 0 ? (end.busy - start.busy) / total : 0;
  }
  const seconds = (last.at - first.at) / 1000;
  return { fromMs: first.at, toMs: last.at, cpuBusy, watchedCores: (last.watchedTicks - first.watchedTicks) / ticksPerSecond / seconds };
}

/** Samples per-CPU load and the CPU of some processes at a fixed period, in the background. */
export class CpuSampler {
  readonly samples: CpuSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  readonly ticksPerSecond = clockTicksPerSecond();

  constructor(
    private readonly watched: () => readonly number[],
    /** Keep at most this many samples (a bound on memory). */
    private readonly maxSamples = 100_000,
  ) {}

  start(periodMs = 250): void {
    this.take();
    this.timer = setInterval(() => this.take(), periodMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  take(): void {
    this.samples.push({ at: Date.now(), perCpu: readPerCpu(), watchedTicks: processTicks(this.watched()) });
    if (this.samples.length > this.maxSamples) this.samples.shift();
  }

  usage(fromMs: number, toMs: number): IntervalUsage | null {
    return usageBetween(this.samples, fromMs, toMs, this.ticksPerSecond);
  }
}

/** Busy cores of the whole machine over `ms` (blocks the caller only by awaiting). */
export async function busyCoresOver(ms: number): Promise<number | null> {
  const a = readPerCpu();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = readPerCpu();
  let busy = 0;
  let found = false;
  for (const [cpu, end] of b) {
    const start = a.get(cpu);
    if (!start || end.total - start.total <= 0) continue;
    busy += (end.busy - start.busy) / (end.total - start.total);
    found = true;
  }
  return found ? busy : null;
}

export interface QuietCheck {
  quiet: boolean;
  waitedS: number;
  /** Busy cores of the machine over the last 2 s checked. */
  busyCores: number | null;
  /** Processes that made it not quiet at the last check (heavy work of others). */
  blockers: string[];
}

/**
 * Waits (bounded by `maxWaitMs`) until no process matches `pattern` and fewer
 * than `maxBusyCores` are busy over 2 s; then reports whether it got there.
 */
export async function waitForQuiet(pattern: string, maxBusyCores: number, maxWaitMs: number, onWait?: (check: QuietCheck) => void): Promise<QuietCheck> {
  const began = Date.now();
  let lastReport = 0;
  for (;;) {
    const blockers = matchingProcesses(pattern);
    const busyCores = await busyCoresOver(2000);
    const waitedS = Math.round((Date.now() - began) / 1000);
    const check: QuietCheck = {
      quiet: blockers.length === 0 && busyCores !== null && busyCores < maxBusyCores,
      waitedS,
      busyCores,
      blockers: blockers.slice(0, 10),
    };
    if (check.quiet || Date.now() - began >= maxWaitMs) return check;
    if (onWait && Date.now() - lastReport >= 30_000) {
      lastReport = Date.now();
      onWait(check);
    }
  }
}
