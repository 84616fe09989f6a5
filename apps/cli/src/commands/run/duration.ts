/** Units of a duration option, in seconds. */
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/**
 * Reads a duration option as k6 writes them: `30s`, `5m`, `1h30m`, `1m30s`, or a bare number of seconds. Runs are
 * planned in whole seconds, so a fraction is refused rather than rounded. Returns the seconds, or why the text is no duration.
 */
export function parseDuration(text: string): { ok: true; seconds: number } | { ok: false; error: string } {
  const value = text.trim();
  const bad = { ok: false as const, error: `"${text}" is not a duration in whole seconds (e.g. 30s, 5m, 1m30s, 1h)` };
  if (/^\d+$/.test(value)) return Number(value) >= 1 ? { ok: true, seconds: Number(value) } : bad;
  if (!/^(\d+[hms])+$/.test(value)) return bad;
  let seconds = 0;
  const seen = new Set<string>();
  for (const [, amount, unit] of value.matchAll(/(\d+)([hms])/g)) {
    // `1m1m` or `30s1m` are typing mistakes, not durations.
    if (seen.has(unit!) || [...seen].some((u) => UNITS[u]! < UNITS[unit!]!)) return bad;
    seen.add(unit!);
    seconds += Number(amount) * UNITS[unit!]!;
  }
  return seconds >= 1 ? { ok: true, seconds } : bad;
}
