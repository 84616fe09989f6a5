import { describe, expect, it } from '@jest/globals';
import { areaOf, digestCpuProfile, rangeFromWallClock } from '../src/ingest/profile.js';

describe('CPU profile digest', () => {
  it('charges sampled time to functions and areas, leaving idle time out', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const digest = digestCpuProfile({
      nodes: [
        { id: 1, callFrame: frame('(idle)', '') },
        { id: 2, callFrame: frame('decode', 'file:///repo/node_modules/hdr-histogram-js/dist/x.js') },
        { id: 3, callFrame: frame('onWindow', 'file:///repo/apps/master/src/runs/orchestrator.ts'), children: [2] },
        { id: 4, callFrame: frame('(garbage collector)', '') },
      ],
      samples: [1, 2, 2, 3, 4, 1],
      timeDeltas: [1000, 2000, 2000, 3000, 3000, 5000],
    });
    expect(digest.idleMs).toBe(6);
    expect(digest.busyMs).toBe(10);
    expect(digest.top[0]).toMatchObject({ fn: 'decode', selfMs: 4, percent: 40 });
    expect(digest.byArea.map((a) => a.area)).toEqual(['hdr-histogram-js', 'apps/master', '(garbage collector)']);
    expect(digest.top.find((f) => f.fn === 'onWindow')?.where).toBe('apps/master/src/runs/orchestrator.ts');
    // decode ran under onWindow: 4 + 3 ms charged to it.
    expect(digest.byAppFunction[0]).toMatchObject({ fn: 'onWindow', totalMs: 7, percent: 70 });
  });

  it('keeps only the samples of a time range, mapped from the wall clock', () => {
    const profile = {
      nodes: [{ id: 1, callFrame: { functionName: 'f', url: 'file:///r/libs/metrics/src/a.ts', lineNumber: 0 } }],
      startTime: 1_000_000,
      endTime: 1_010_000,
      samples: [1, 1, 1, 1, 1],
      timeDeltas: [2000, 2000, 2000, 2000, 2000],
    };
    // The profile ended at wall time 50_000 ms: its clock's 1_010_000 µs. Keep wall 49_993…49_997 ms.
    const range = rangeFromWallClock(profile, 50_000, 49_993, 49_997);
    expect(range).toEqual({ fromUs: 1_003_000, toUs: 1_007_000 });
    expect(digestCpuProfile(profile, 5, range).busyMs).toBe(4);
    expect(digestCpuProfile(profile).busyMs).toBe(10);
  });

  it('names areas', () => {
    expect(areaOf('file:///r/node_modules/@prisma/client/x.js', 'f')).toBe('@prisma/client');
    expect(areaOf('node:internal/streams', 'f')).toBe('node internals');
    expect(areaOf('file:///r/libs/metrics/src/codec.ts', 'f')).toBe('libs/metrics');
  });
});
