import { describe, expect, it } from '@jest/globals';
import { parseCpuTimeLine, parseWrkOutput, parseWrkTime } from '../src/generator/wrk.js';
import { wrkArgs } from '../src/generator/tools.js';

const OUTPUT = `Running 5s test @ http://127.0.0.1:38315/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   170.27us  202.88us   9.74ms   99.20%
    Req/Sec   171.70k     3.99k  179.55k    76.47%
  Latency Distribution
     50%  142.00us
     75%  150.00us
     90%  267.00us
     99%    1.31ms
  870876 requests in 5.10s, 123.75MB read
Requests/sec: 170648.07
Transfer/sec:     24.25MB
`;

describe('wrk output', () => {
  it('reads requests per second, the total, the duration and the latency distribution', () => {
    const r = parseWrkOutput(OUTPUT);
    expect(r.requestsPerSecond).toBe(170648.07);
    expect(r.requests).toBe(870876);
    expect(r.durationSeconds).toBeCloseTo(5.1, 6);
    expect(r.latencyMicros).toEqual({ '50': 142, '75': 150, '90': 267, '99': 1310 });
    expect(r.latencyMeanMicros).toBeCloseTo(170.27, 6);
    expect(r.socketErrors).toEqual({ connect: 0, read: 0, write: 0, timeout: 0 });
    expect(r.non2xx3xx).toBe(0);
  });

  it('reads socket errors and non-2xx responses when wrk reports them', () => {
    const text = OUTPUT.replace('Requests/sec', '  Socket errors: connect 1, read 2, write 3, timeout 4\n  Non-2xx or 3xx responses: 17\nRequests/sec').replace(
      '5.10s',
      '1.00m',
    );
    const r = parseWrkOutput(text);
    expect(r.socketErrors).toEqual({ connect: 1, read: 2, write: 3, timeout: 4 });
    expect(r.non2xx3xx).toBe(17);
    expect(r.durationSeconds).toBe(60);
    expect(r.requestsPerSecond).toBe(170648.07);
  });

  it('refuses output without Requests/sec', () => {
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n')).toThrow(/Requests\/sec.*Connection refused/);
    expect(() => parseWrkOutput('')).toThrow(/empty/);
  });

  it('converts wrk time units to microseconds', () => {
    expect(parseWrkTime('620.33us')).toBeCloseTo(620.33, 6);
    expect(parseWrkTime('2.14ms')).toBeCloseTo(2140, 6);
    expect(parseWrkTime('10.00s')).toBe(10_000_000);
    expect(parseWrkTime('1.50m')).toBe(90_000_000);
    expect(parseWrkTime('1.0h')).toBe(3_600_000_000);
    expect(parseWrkTime('12 ms')).toBeNull();
    expect(parseWrkTime('fast')).toBeNull();
  });

  it("reads the CPU line of bash's time", () => {
    expect(parseCpuTimeLine('some noise\n__cpu__ 0.479 4.577\n')).toBeCloseTo(5.056, 6);
    expect(parseCpuTimeLine('no timing here')).toBeNull();
  });

  it('runs wrk with one thread, the connections, the duration and the latency distribution', () => {
    expect(wrkArgs(50, 10, 'http://127.0.0.1:8080/')).toEqual(['-t1', '-c50', '-d10s', '--latency', 'http://127.0.0.1:8080/']);
  });
});
