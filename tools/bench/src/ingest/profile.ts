/** Reads a V8 CPU profile (.cpuprofile, as `node --cpu-prof` writes it) into where the time went. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds, on the profiler's own (monotonic) clock. */
  startTime?: number;
  endTime?: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Only the samples taken between these two instants of the profiler's clock (µs). */
export interface ProfileRange {
  fromUs: number;
  toUs: number;
}

/**
 * The profiler's clock range matching a wall-clock range, given the wall-clock
 * instant the profile ended (the process's exit, when `--cpu-prof` writes it).
 */
export function rangeFromWallClock(profile: CpuProfile, endedAtMs: number, fromMs: number, toMs: number): ProfileRange {
  const end = profile.endTime ?? 0;
  return { fromUs: end - (endedAtMs - fromMs) * 1000, toUs: end - (endedAtMs - toMs) * 1000 };
}

export interface ProfileDigest {
  /** Sampled time, ms, without idle. */
  busyMs: number;
  idleMs: number;
  /** Self time per function, busiest first. */
  top: { fn: string; where: string; selfMs: number; percent: number }[];
  /** Self time per package or project folder, busiest first. */
  byArea: { area: string; selfMs: number; percent: number }[];
  /**
   * Time by the nearest function of the application (apps/…) on the stack:
   * which of the master's own code paths the time is spent under, libraries included.
   */
  byAppFunction: { fn: string; where: string; totalMs: number; percent: number }[];
}

/** Which package or project folder a script URL belongs to. */
export function areaOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program: native, not attributed)';
    return '(native)';
  }
  if (url.startsWith('node:')) return 'node internals';
  if (url.startsWith('wasm://')) return 'wasm';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const project = /\/(apps|libs|tools)\/([^/]+)\//.exec(url);
  if (project) return `${project[1]}/${project[2]}`;
  return 'other';
}

function shortWhere(url: string, line: number): string {
  if (!url) return '';
  const cut = url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\//, '')
    .replace(/^.*\/(apps|libs|tools)\//, '$1/');
  // Line numbers of TypeScript run through tsx are those of the transpiled code: leave them out.
  return /\.(c|m)?ts$/.test(cut) ? cut : `${cut}:${line + 1}`;
}

/** `ownCode`: the files that count as the application's own (byAppFunction); the apps by default. */
export function digestCpuProfile(profile: CpuProfile, topN = 20, range?: ProfileRange, ownCode = /\/apps\//): ProfileDigest {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let t = profile.startTime ?? 0;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time since the previous sample; charge it to the sample that ends it.
    const delta = Math.max(0, deltas[i] ?? 0);
    t += delta;
    if (range && (t < range.fromUs || t > range.toUs)) continue;
    const id = samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const appOf = new Map<number, ProfileNode | null>();
  const nearestApp = (id: number): ProfileNode | null => {
    if (appOf.has(id)) return appOf.get(id)!;
    const node = byId.get(id);
    let found: ProfileNode | null = null;
    if (node && ownCode.test(node.callFrame.url)) found = node;
    else {
      const up = parent.get(id);
      found = up === undefined ? null : nearestApp(up);
    }
    appOf.set(id, found);
    return found;
  };
  const apps = new Map<string, { fn: string; where: string; us: number }>();
  const fns = new Map<string, { fn: string; where: string; us: number }>();
  const areas = new Map<string, number>();
  let idleUs = 0;
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    if (area === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    areas.set(area, (areas.get(area) ?? 0) + us);
    const app = nearestApp(id);
    const appKey = app ? `${app.callFrame.functionName}@${app.callFrame.url}:${app.callFrame.lineNumber}` : '-';
    const appEntry = apps.get(appKey) ?? {
      fn: app ? app.callFrame.functionName || '(anonymous)' : '(no application frame: libraries, I/O callbacks, GC)',
      where: app ? shortWhere(app.callFrame.url, app.callFrame.lineNumber) : '',
      us: 0,
    };
    appEntry.us += us;
    apps.set(appKey, appEntry);
    const key = `${functionName}@${url}:${lineNumber}`;
    const entry = fns.get(key) ?? { fn: functionName || '(anonymous)', where: shortWhere(url, lineNumber), us: 0 };
    entry.us += us;
    fns.set(key, entry);
  }
  const pct = (us: number) => (busyUs > 0 ? Math.round((us / busyUs) * 1000) / 10 : 0);
  return {
    busyMs: Math.round(busyUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    top: [...fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((f) => ({ fn: f.fn, where: f.where, selfMs: Math.round(f.us / 1000), percent: pct(f.us) })),
    byArea: [...areas.entries()].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, selfMs: Math.round(us / 1000), percent: pct(us) })),
    byAppFunction: [...apps.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((f) => ({ fn: f.fn, where: f.where, totalMs: Math.round(f.us / 1000), percent: pct(f.us) })),
  };
}
