/** Reads a V8 CPU profile (.cpuprofile, as `node --cpu-prof` writes it) into where the time went. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileDigest {
  /** Sampled time, ms, without idle. */
  busyMs: number;
  idleMs: number;
  /** Self time per function, busiest first. */
  top: { fn: string; where: string; selfMs: number; percent: number }[];
  /** Self time per package or project folder, busiest first. */
  byArea: { area: string; selfMs: number; percent: number }[];
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
  const cut = url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '').replace(/^.*\/(apps|libs|tools)\//, '$1/');
  return `${cut}:${line + 1}`;
}

export function digestCpuProfile(profile: CpuProfile, topN = 20): ProfileDigest {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time since the previous sample; charge it to the sample that ends it.
    const id = samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, deltas[i] ?? 0));
  }
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
    byArea: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, selfMs: Math.round(us / 1000), percent: pct(us) })),
  };
}
