import { describe, expect, it } from '@jest/globals';
import { parseDriverOutput, RESULT_PREFIX, type DriverResult } from '../src/generator/ipc.js';
import { nginxConfig } from '../src/generator/nginx.js';
import { parsePerCpuStat, parsePpid, usageBetween, type CpuSample } from '../src/generator/proc.js';

describe('nginx configuration', () => {
  const conf = nginxConfig('/tmp/x', 40123, 50);

  it('is one worker, in the foreground, without access log, on 127.0.0.1 only, answering GET / itself', () => {
    expect(conf).toMatch(/^worker_processes 1;$/m);
    expect(conf).toMatch(/^daemon off;$/m);
    expect(conf).toMatch(/^pid \/tmp\/x\/nginx\.pid;$/m);
    expect(conf).toMatch(/^\s*access_log off;$/m);
    expect(conf).toMatch(/^\s*listen 127\.0\.0\.1:40123;$/m);
    expect(conf).toMatch(/location \/ \{\s*return 200 "ok";\s*\}/);
    expect(conf).toMatch(/keepalive_requests 1000000;/);
  });

  it('keeps every file it writes in its own directory', () => {
    for (const line of conf.split('\n').filter((l) => /(_path|_log|^pid)\s/.test(l.trim()) && !/access_log off/.test(l))) {
      expect(line).toContain('/tmp/x/');
    }
  });

  it('has room for the connections', () => {
    expect(nginxConfig('/d', 1, 5000)).toMatch(/worker_connections 10064;/);
  });
});

describe('/proc for pinning', () => {
  const STAT = `cpu  300 0 100 1000 10 0 5 0 0 0
cpu0 200 0 50 400 5 0 3 0 0 0
cpu1 100 0 50 600 5 0 2 0 0 0
intr 1 2 3
`;

  it('reads busy and total ticks per CPU', () => {
    const cpus = parsePerCpuStat(STAT);
    expect([...cpus.keys()]).toEqual([0, 1]);
    expect(cpus.get(0)).toEqual({ busy: 253, total: 658 });
    expect(cpus.get(1)).toEqual({ busy: 152, total: 757 });
  });

  it('reads the parent pid even with spaces and parentheses in the command name', () => {
    expect(parsePpid('1234 (nginx: worker (x)) S 1200 1234 1234 0 -1 4194624 5 0 0 0 7 3 0 0 20 0 1 0')).toBe(1200);
    expect(parsePpid('garbage')).toBeNull();
  });

  it('measures CPU use over an interval from samples around it', () => {
    const sample = (at: number, busy0: number, busy1: number, watched: number): CpuSample => ({
      at,
      perCpu: new Map([
        [0, { busy: busy0, total: at / 10 }],
        [1, { busy: busy1, total: at / 10 }],
      ]),
      watchedTicks: watched,
    });
    // Ticks of 10 ms: CPU 0 fully busy, CPU 1 half busy, the watched processes 0.4 core, between t=1000 and t=3000.
    const samples = [sample(0, 0, 0, 0), sample(1000, 100, 50, 40), sample(2000, 200, 100, 80), sample(3000, 300, 150, 120), sample(4000, 300, 150, 120)];
    const u = usageBetween(samples, 1100, 2900, 100);
    expect(u).not.toBeNull();
    expect(u!.fromMs).toBe(1000);
    expect(u!.toMs).toBe(3000);
    expect(u!.cpuBusy['0']).toBeCloseTo(1, 10);
    expect(u!.cpuBusy['1']).toBeCloseTo(0.5, 10);
    expect(u!.watchedCores).toBeCloseTo(0.4, 10);
    expect(usageBetween(samples, 3500, 4500, 100)).toBeNull();
  });
});

describe('driver result line', () => {
  it('takes the last result line of the output', () => {
    const result: DriverResult = { tool: 'worker', responses: 10, non2xx: 0, errors: 0, startedAt: 1, endedAt: 2, elapsedMs: 1, cpuMs: 1, detail: {} };
    const out = `noise\n${RESULT_PREFIX}${JSON.stringify({ ...result, responses: 1 })}\n${RESULT_PREFIX}${JSON.stringify(result)}\n`;
    expect(parseDriverOutput(out)).toEqual(result);
    expect(parseDriverOutput('nothing')).toBeNull();
  });
});
