import { RunReportSchema } from '@loadtest/protocol';
import { startTarget, type TargetServer } from '@loadtest/target';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli, type CliResult } from './cli-process.js';

const explain = (result: CliResult) => `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);
/** A figure as the CLI prints it (1,234). */
const count = (n: number) => n.toLocaleString('en-US');

/**
 * `loadtest run` with no master: the plan runs on this machine with the workers' engine, against tools/target on
 * 127.0.0.1, with no database or broker in the CLI's environment. What the CLI reports is checked against what the
 * target counted.
 */
describe('loadtest run on this machine (no master)', () => {
  let target: TargetServer;
  let dir: string;
  let planFile: string;
  // No master, no database, no broker: the zero-setup default (its target allowlist is loopback).
  const env = { LOADTEST_MASTER: undefined, LOADTEST_TOKEN: undefined, DATABASE_URL: undefined, AMQP_URL: undefined, LOADTEST_TARGET_ALLOWLIST: undefined };

  beforeAll(async () => {
    target = await startTarget();
    dir = await mkdtemp(join(tmpdir(), 'loadtest-cli-local-'));
    planFile = join(dir, 'plan.yaml');
    // A short delay per request keeps the rate (and this machine's load) modest.
    await writeFile(
      planFile,
      `name: cli local\nbaseUrl: ${target.url}\nsteps:\n  - name: slow\n    method: GET\n    url: /delay/5\n    checks:\n      - status: [200]\n`,
    );
  });

  beforeEach(() => target.resetStats());

  afterAll(async () => {
    await target?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('thresholds that hold → exit 0: a first plain line at once, the summary, and reports that count what the target served', async () => {
    const files = { html: join(dir, 'passed.html'), json: join(dir, 'passed.json'), junit: join(dir, 'passed.xml') };
    const result = await runCli(
      [
        'run',
        planFile,
        '--vus',
        '2',
        '--duration',
        '3s',
        '--threads',
        '2',
        '--threshold',
        'p(95)<5s',
        '--threshold',
        'http_req_failed: rate<0.01',
        '--html',
        files.html,
        '--json',
        files.json,
        '--junit',
        files.junit,
      ],
      env,
    );
    expect({ code: result.code, out: explain(result) }).toMatchObject({ code: 0 });
    const out = result.stdout;
    expect(out).toMatch(/^loadtest run [0-9a-f-]{36} of plan "cli local" on this machine$/m);
    // Non-TTY: a line as the run starts, then the last figures before the summary.
    expect(out).toMatch(/^\[0s\/3s\] vus=- rps=0\.0 /m);
    expect(out).toMatch(/^\[3s\/3s\] vus=\d+ rps=[\d.,]+ p95=[\d.]+(µs|ms) requests=[\d,]+ errors=0 \(0\.00%\) dropped=0 \| ✓ p\(95\)<5s/m);
    expect(out).toMatch(/measured \.+ 3s on this machine/);
    expect(out).toMatch(/✓ p\(95\)<5s \.+ [\d.]+(µs|ms)/);
    expect(out).toMatch(/checks \.+ 100\.00% {2}✓ [\d,]+ {2}✗ 0/);
    expect(lastLine(out)).toBe('✓ every threshold passed (exit code 0)');

    // Every request the target served was measured, and nothing else: the engine counts responses exactly.
    const served = target.stats().byRoute['GET /delay/:ms'] ?? 0;
    expect(served).toBeGreaterThan(100);
    expect(out).toMatch(new RegExp(`requests \\.+ ${count(served)} `));
    const report = RunReportSchema.parse(JSON.parse(await readFile(files.json, 'utf8')));
    expect(report.summary?.requests).toBe(served);
    expect(report.run).toMatchObject({ state: 'finished', verdict: 'passed', planName: 'cli local' });
    expect(report.workers).toEqual([expect.objectContaining({ workerId: 'local', state: 'finished', summary: expect.objectContaining({ requests: served }) })]);
    expect(report.timeline.points.reduce((sum, p) => sum + p.requests, 0)).toBe(served);
    expect(report.latencyDistribution?.source).toBe('histogram');
    const html = await readFile(files.html, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|(src|href)="(https?:)?\/\//i);
    expect(await readFile(files.junit, 'utf8')).toMatch(/<testsuite[^>]*tests="3"[^>]*failures="0"/);
  });

  it('a threshold that fails → exit 99, marked failed with its value', async () => {
    const result = await runCli(['run', planFile, '--vus', '1', '--duration', '2s', '--threads', '1', '--threshold', 'p(95)<1us'], env);
    expect({ code: result.code, out: explain(result) }).toMatchObject({ code: 99 });
    expect(result.stdout).toMatch(/finished · FAILED/);
    expect(result.stdout).toMatch(/✗ p\(95\)<1us \.+ [\d.]+ms/);
    expect(lastLine(result.stdout)).toMatch(/^✗ 1 threshold failed: p\(95\)<1us \([\d.]+ms\) \(exit code 99\)$/);
  });

  it('an abort threshold that fails ends the run early → exit 98', async () => {
    const began = Date.now();
    const result = await runCli(['run', planFile, '--vus', '1', '--duration', '60s', '--threads', '1', '--abort-threshold', 'p(95)<1us'], env);
    expect({ code: result.code, out: explain(result) }).toMatchObject({ code: 98 });
    expect(Date.now() - began).toBeLessThan(30_000);
    expect(result.stdout).toMatch(/ended because \.+ aborted: threshold "p\(95\)<1us" failed at second \d+/);
  });

  it('Ctrl-C mid-run stops the run cleanly: summary printed, reports written, exit 130', async () => {
    const json = join(dir, 'stopped.json');
    const cli = startCli(['run', planFile, '--vus', '2', '--duration', '60s', '--threads', '1', '--json', json], env);
    // The first line comes at once; wait for measured load before interrupting.
    await cli.waitForStdout(/^\[0s\/1m00s\] /m, 20_000);
    const deadline = Date.now() + 20_000;
    while ((target.stats().byRoute['GET /delay/:ms'] ?? 0) < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    cli.child.kill('SIGINT');
    const code = await Promise.race([cli.exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000))]);
    const out = cli.stdout();
    expect({ code, out: `${out}\n${cli.stderr()}` }).toMatchObject({ code: 130 });
    expect(out).toContain('stopping the run… (Ctrl-C again to quit at once)');
    expect(out).toMatch(/stopped · PASSED/);
    expect(lastLine(out)).toBe('✗ interrupted (Ctrl-C): the run was stopped (exit code 130)');
    const report = RunReportSchema.parse(JSON.parse(await readFile(json, 'utf8')));
    expect(report.run.state).toBe('stopped');
    expect(report.summary!.durationSeconds).toBeLessThan(30);
    // What was measured is in the report: every response the target served, but for those in flight when the stop cut
    // the connections (at most one per VU).
    const served = target.stats().byRoute['GET /delay/:ms'] ?? 0;
    expect(served - report.summary!.requests).toBeGreaterThanOrEqual(0);
    expect(served - report.summary!.requests).toBeLessThanOrEqual(2);
  });

  it('a target the allowlist refuses → exit 2 naming LOADTEST_TARGET_ALLOWLIST, and not one request sent', async () => {
    const result = await runCli(['run', planFile, '--vus', '1', '--duration', '2s'], { ...env, LOADTEST_TARGET_ALLOWLIST: 'loadtest.example:443' });
    expect({ code: result.code, out: explain(result) }).toMatchObject({ code: 2 });
    expect(result.stderr).toMatch(/^error: the plan's target is refused: /m);
    expect(result.stderr).toContain('set LOADTEST_TARGET_ALLOWLIST to allow other hosts');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(target.stats().served).toBe(0);
  });

  it('bad load options → exit 2 naming the option', async () => {
    const result = await runCli(['run', planFile, '--rate', '10'], env);
    expect({ code: result.code, out: explain(result) }).toMatchObject({ code: 2 });
    expect(result.stderr).toContain('--rate needs --max-vus');
    expect(target.stats().served).toBe(0);
  });
});
