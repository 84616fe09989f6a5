import { describe, expect, it } from '@jest/globals';
import {
  groupCores,
  groupPeakCores,
  parseProcStat,
  parseSystemStat,
  parseVmRss,
  samplesBetween,
  samplesOverlapping,
  systemCores,
  type Sample,
} from '../src/ingest/proc.js';

describe('/proc parsing', () => {
  it('reads utime + stime after the command name, even one with spaces and parentheses', () => {
    const line = '4242 (node (tsx) x) S 1 4242 4242 0 -1 4194304 9123 0 0 0 1500 250 0 0 20 0 11 0 77 1503444480 44026 18446744073709551615';
    const stat = parseProcStat(line);
    expect(stat.comm).toBe('node (tsx) x');
    expect(stat.state).toBe('S');
    expect(stat.cpuTicks).toBe(1750);
  });

  it('reads VmRSS in bytes', () => {
    expect(parseVmRss('Name:\tnode\nVmPeak:\t 100 kB\nVmRSS:\t  176104 kB\nThreads: 11\n')).toBe(176104 * 1024);
    expect(parseVmRss('Name:\tzombie\n')).toBeNull();
  });

  it('reads busy and total ticks of the machine', () => {
    const cpu = parseSystemStat('cpu  100 5 50 800 20 1 4 0 0 0\ncpu0 50 2 25 400 10 0 2 0 0 0\n');
    expect(cpu.busy).toBe(160);
    expect(cpu.total).toBe(980);
  });
});

describe('CPU over samples', () => {
  const sample = (at: number, master: number, busy: number): Sample => ({
    at,
    dtMs: 1000,
    ticks: { master },
    rssBytes: { master: master * 1000 },
    systemBusyTicks: busy,
    systemTotalTicks: 200,
  });
  const samples = [sample(1000, 10, 40), sample(2000, 90, 180), sample(3000, 50, 100), sample(4000, 100, 200)];

  it('means and peaks in cores (100 ticks per second)', () => {
    expect(groupCores(samples, 'master', 100)).toBeCloseTo(0.625);
    expect(groupPeakCores(samples, 'master', 100)).toBe(1);
    expect(groupCores([], 'master', 100)).toBeNull();
  });

  it('keeps only the intervals inside a time range', () => {
    const inside = samplesBetween(samples, 1000, 3000);
    expect(inside.map((s) => s.at)).toEqual([2000, 3000]);
    expect(groupCores(inside, 'master', 100)).toBeCloseTo(0.7);
  });

  it('takes the intervals that overlap a span shorter than one sample', () => {
    // A 300 ms request from 2400 to 2700 lies inside the interval ending at 3000 only.
    expect(samplesOverlapping(samples, 2400, 2700).map((s) => s.at)).toEqual([3000]);
    expect(samplesOverlapping(samples, 1900, 2100).map((s) => s.at)).toEqual([2000, 3000]);
    expect(samplesBetween(samples, 2400, 2700)).toEqual([]);
  });

  it('machine busy cores', () => {
    expect(systemCores([sample(1000, 0, 100), sample(2000, 0, 200)], 2)).toBeCloseTo(1.5);
  });
});
