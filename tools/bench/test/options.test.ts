import { describe, expect, it } from '@jest/globals';
import { DEFAULT_LADDER, parseCommandLine } from '../src/ingest/options.js';

describe('command line', () => {
  it('defaults to the full 60 s ladder', () => {
    const parsed = parseCommandLine([], {});
    expect(parsed.help).toBe(false);
    if (parsed.help) return;
    expect(parsed.options.workers).toEqual(DEFAULT_LADDER);
    expect(parsed.options.workers).toEqual([100, 1000, 2500, 5000]);
    expect(parsed.options.runs).toBe(3);
    expect(parsed.options.startLeadMs).toBeUndefined(); // the master's own default
    expect(parsed.options.duration).toBe(60);
    expect(parsed.options.clients).toBe(10);
    expect(parsed.options.out).toBe('bench-results/ingest.json');
    expect(parsed.options.masterBundle).toBe(false); // the master from its sources, under tsx
    const bundle = parseCommandLine(['--master-bundle'], {});
    expect(!bundle.help && bundle.options.masterBundle).toBe(true);
    expect(parsed.options.masterNodeFlags).toBeUndefined(); // the shipped flags
  });

  it("takes the master's node flags, or none", () => {
    const flags = parseCommandLine(['--master-node-flags=--max-semi-space-size=16  --heap-growing-percent=20'], {});
    expect(!flags.help && flags.options.masterNodeFlags).toEqual(['--max-semi-space-size=16', '--heap-growing-percent=20']);
    const none = parseCommandLine(['--master-node-flags', 'none'], {});
    expect(!none.help && none.options.masterNodeFlags).toEqual([]);
    expect(() => parseCommandLine(['--master-node-flags', 'rm -rf'], {})).toThrow(/masterNodeFlags/);
  });

  it('takes a smoke run and a custom ladder', () => {
    const smoke = parseCommandLine(['--workers', '50', '--duration', '10'], {});
    expect(!smoke.help && smoke.options.workers).toEqual([50]);
    expect(!smoke.help && smoke.options.duration).toBe(10);
    const twice = parseCommandLine(['--runs', '2', '--out', '/tmp/ingest.json'], {});
    expect(!twice.help && twice.options.runs).toBe(2);
    expect(!twice.help && twice.options.out).toBe('/tmp/ingest.json');
    const ladder = parseCommandLine(['--workers', '100, 300,700', '--refine', '2', '--stop-on-fail'], {});
    expect(!ladder.help && ladder.options.workers).toEqual([100, 300, 700]);
    expect(!ladder.help && ladder.options.stopOnFail).toBe(true);
  });

  it('names a bad value and refuses unknown flags', () => {
    expect(() => parseCommandLine(['--workers', '0'], {})).toThrow(/workers/);
    expect(() => parseCommandLine(['--duration', 'abc'], {})).toThrow(/duration/);
    expect(() => parseCommandLine(['--runs', '0'], {})).toThrow(/runs/);
    expect(() => parseCommandLine(['--wrokers', '5'], {})).toThrow();
  });

  it('reads service URLs from the environment', () => {
    const parsed = parseCommandLine([], { BENCH_AMQP_URL: 'amqp://u:p@10.0.0.1:5672', BENCH_PG_URL: 'postgresql://x@h/db' });
    expect(!parsed.help && parsed.options.amqpUrl).toBe('amqp://u:p@10.0.0.1:5672');
    expect(!parsed.help && parsed.options.pgUrl).toBe('postgresql://x@h/db');
    expect(parseCommandLine(['--help'], {}).help).toBe(true);
  });
});
