import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpuCores } from './stats.js';

/** CPU and memory of processes, read from Linux's /proc. */

export interface ProcStat {
  comm: string;
  state: string;
  /** User + system CPU time, clock ticks. */
  cpuTicks: number;
}

/**
 * Parses /proc/<pid>/stat. The command name (2nd field) is in parentheses and
 * may hold spaces and parentheses itself, so fields are counted from the last ')'.
 */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error('not a /proc/<pid>/stat line');
  const comm = text.slice(open + 1, close);
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state); utime is field 14, stime field 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('cannot read utime/stime');
  return { comm, state: rest[0] ?? '?', cpuTicks: utime + stime };
}

/** VmRSS from /proc/<pid>/status, in bytes; null when absent (e.g. a zombie). */
export function parseVmRss(statusText: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(statusText);
  return match ? Number(match[1]) * 1024 : null;
}

export interface SystemCpu {
  /** Ticks spent not idle (everything but idle and iowait), all CPUs together. */
  busy: number;
  total: number;
}

/** The aggregate `cpu` line of /proc/stat. */
export function parseSystemStat(text: string): SystemCpu {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no cpu line in /proc/stat');
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest is already in user)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

let ticksPerSecondCache: number | undefined;

/** The kernel's USER_HZ (clock ticks per second), usually 100. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecondCache === undefined) {
    try {
      const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecondCache = Number.isInteger(n) && n > 0 ? n : 100;
    } catch {
      ticksPerSecondCache = 100;
    }
  }
  return ticksPerSecondCache;
}

export function readStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

export function readRss(pid: number): number | null {
  try {
    return parseVmRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

export function readSystemCpu(): SystemCpu | null {
  try {
    return parseSystemStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** Pids of the processes whose command name (comm) is one of `names`. */
export function pidsByComm(names: readonly string[]): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (names.includes(comm)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** One interval between two samples: CPU ticks and RSS per group of processes, and the machine's CPU. */
export interface Sample {
  /** End of the interval, epoch ms. */
  at: number;
  /** Length of the interval, ms. */
  dtMs: number;
  ticks: Record<string, number>;
  rssBytes: Record<string, number>;
  systemBusyTicks: number;
  systemTotalTicks: number;
}

/**
 * Samples CPU (per-process deltas of utime+stime) and RSS of named groups of
 * processes at a fixed interval. A process first seen in a sample only sets
 * its baseline; one that disappears stops counting.
 */
export class ProcessSampler {
  readonly samples: Sample[] = [];
  private readonly last = new Map<number, number>();
  private lastAt = 0;
  private lastSystem: SystemCpu | null = null;
  private timer: NodeJS.Timeout | undefined;
  private groupsAt: () => Record<string, number[]>;

  constructor(groups: () => Record<string, number[]>) {
    this.groupsAt = groups;
  }

  start(intervalMs = 1000): void {
    this.take(true);
    this.timer = setInterval(() => this.take(false), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.take(false);
  }

  private take(baseline: boolean): void {
    const now = Date.now();
    const groups = this.groupsAt();
    const ticks: Record<string, number> = {};
    const rss: Record<string, number> = {};
    for (const [group, pids] of Object.entries(groups)) {
      ticks[group] = 0;
      rss[group] = 0;
      for (const pid of pids) {
        const stat = readStat(pid);
        if (!stat) continue;
        const previous = this.last.get(pid);
        this.last.set(pid, stat.cpuTicks);
        if (previous !== undefined) ticks[group] += Math.max(0, stat.cpuTicks - previous);
        rss[group] += readRss(pid) ?? 0;
      }
    }
    const system = readSystemCpu();
    if (!baseline && this.lastSystem && system) {
      this.samples.push({
        at: now,
        dtMs: now - this.lastAt,
        ticks,
        rssBytes: rss,
        systemBusyTicks: system.busy - this.lastSystem.busy,
        systemTotalTicks: system.total - this.lastSystem.total,
      });
    }
    this.lastSystem = system;
    this.lastAt = now;
  }
}

/** Samples whose interval ends within [fromMs, toMs]. */
export function samplesBetween(samples: readonly Sample[], fromMs: number, toMs: number): Sample[] {
  return samples.filter((s) => s.at - s.dtMs >= fromMs - 50 && s.at <= toMs + 50);
}

/** Samples whose interval overlaps [fromMs, toMs] at all (for spans shorter than a sample). */
export function samplesOverlapping(samples: readonly Sample[], fromMs: number, toMs: number): Sample[] {
  return samples.filter((s) => s.at > fromMs && s.at - s.dtMs < toMs);
}

/** Mean cores used by a group over the given samples. */
export function groupCores(samples: readonly Sample[], group: string, ticksPerSecond = clockTicksPerSecond()): number | null {
  if (samples.length === 0) return null;
  let ticks = 0;
  let ms = 0;
  for (const s of samples) {
    ticks += s.ticks[group] ?? 0;
    ms += s.dtMs;
  }
  return cpuCores(ticks, ticksPerSecond, ms);
}

/** The busiest single interval of a group, in cores. */
export function groupPeakCores(samples: readonly Sample[], group: string, ticksPerSecond = clockTicksPerSecond()): number | null {
  if (samples.length === 0) return null;
  return Math.max(...samples.map((s) => cpuCores(s.ticks[group] ?? 0, ticksPerSecond, s.dtMs)));
}

/** Cores the whole machine kept busy, on average, over the samples. */
export function systemCores(samples: readonly Sample[], cores: number): number | null {
  let busy = 0;
  let total = 0;
  for (const s of samples) {
    busy += s.systemBusyTicks;
    total += s.systemTotalTicks;
  }
  return total > 0 ? (busy / total) * cores : null;
}

export function groupPeakRss(samples: readonly Sample[], group: string): number | null {
  if (samples.length === 0) return null;
  return Math.max(...samples.map((s) => s.rssBytes[group] ?? 0));
}

/**
 * Waits (bounded) until the machine is quiet: fewer than `maxBusyCores` busy,
 * on average, over the last `windowS` seconds. Returns the last figure seen and
 * how long it waited. On a shared machine this keeps a step from starting in
 * the middle of someone else's burst; it cannot keep one from starting later.
 */
export async function waitForQuiet(
  maxBusyCores: number,
  maxWaitMs: number,
  cores: number,
  windowS = 3,
): Promise<{ busyCores: number | null; waitedMs: number }> {
  const began = Date.now();
  const readings: SystemCpu[] = [];
  let busyCores: number | null = null;
  for (;;) {
    const cpu = readSystemCpu();
    if (cpu) readings.push(cpu);
    if (readings.length > windowS) readings.shift();
    if (readings.length > windowS - 1 && readings.length >= 2) {
      const first = readings[0]!;
      const last = readings[readings.length - 1]!;
      const total = last.total - first.total;
      busyCores = total > 0 ? ((last.busy - first.busy) / total) * cores : null;
      if (busyCores !== null && busyCores < maxBusyCores) break;
    }
    if (Date.now() - began >= maxWaitMs) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { busyCores, waitedMs: Date.now() - began };
}
