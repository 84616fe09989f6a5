/** Reads what `wrk --latency` prints. Pure; unit-tested. */

export interface WrkResult {
  /** The "Requests/sec:" line: completed requests / wrk's own run time. */
  requestsPerSecond: number;
  /** "<n> requests in <t>, <size> read". */
  requests: number | null;
  durationSeconds: number | null;
  /** Latency percentiles of the "Latency Distribution" block, in microseconds, keyed by percentile ("50", "99"). */
  latencyMicros: Record<string, number>;
  /** Mean latency from the thread stats, microseconds. */
  latencyMeanMicros: number | null;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  non2xx3xx: number;
}

const TIME_UNITS: Record<string, number> = { us: 1, ms: 1000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };

/** A wrk duration such as `620.33us`, `2.14ms`, `10.00s`, `1.00m` → microseconds; null when not one. */
export function parseWrkTime(text: string): number | null {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!match) return null;
  const value = Number(match[1]);
  return Number.isFinite(value) ? value * TIME_UNITS[match[2]!]! : null;
}

/** Parses wrk's report; throws when it has no "Requests/sec" line (wrk failed or printed something else). */
export function parseWrkOutput(text: string): WrkResult {
  const rps = /^Requests\/sec:\s+([\d.]+)\s*$/m.exec(text);
  if (!rps) throw new Error(`no "Requests/sec" in wrk's output: ${text.trim().slice(0, 300) || '(empty)'}`);
  const total = /^\s*(\d+) requests in ([\d.]+(?:us|ms|s|m|h)),/m.exec(text);
  const latencyMicros: Record<string, number> = {};
  const lines = text.split('\n');
  const head = lines.findIndex((l) => /^\s*Latency Distribution/.test(l));
  for (let i = head + 1; head >= 0 && i < lines.length; i++) {
    const m = /^\s*([\d.]+)%\s+(\S+)\s*$/.exec(lines[i]!);
    const micros = m ? parseWrkTime(m[2]!) : null;
    if (!m || micros === null) break;
    latencyMicros[String(Number(m[1]))] = micros;
  }
  const mean = /^\s*Latency\s+(\S+)\s+\S+\s+\S+/m.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  const durationMicros = total ? parseWrkTime(total[2]!) : null;
  return {
    requestsPerSecond: Number(rps[1]),
    requests: total ? Number(total[1]) : null,
    durationSeconds: durationMicros === null ? null : durationMicros / 1_000_000,
    latencyMicros,
    latencyMeanMicros: mean ? parseWrkTime(mean[1]!) : null,
    socketErrors: {
      connect: socket ? Number(socket[1]) : 0,
      read: socket ? Number(socket[2]) : 0,
      write: socket ? Number(socket[3]) : 0,
      timeout: socket ? Number(socket[4]) : 0,
    },
    non2xx3xx: non2xx ? Number(non2xx[1]) : 0,
  };
}

/** The line bash's `time` prints with TIMEFORMAT='__cpu__ %3U %3S': user and system seconds of the timed command. */
export const CPU_TIME_FORMAT = '__cpu__ %3U %3S';

/** CPU seconds (user + system) from that line; null when absent. */
export function parseCpuTimeLine(text: string): number | null {
  const match = /__cpu__ ([\d.]+) ([\d.]+)/.exec(text);
  return match ? Number(match[1]) + Number(match[2]) : null;
}
