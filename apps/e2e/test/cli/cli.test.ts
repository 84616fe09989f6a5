import { RunReportSchema, type RunList, type RunResource, type WorkerList } from '@loadtest/protocol';
import { chromiumLaunchOptions, freePort } from '@loadtest/process';
import Anser from 'anser';
import { chromium } from 'playwright-core';
import { startTarget, type TargetServer } from '@loadtest/target';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, createDatabase, E2E_ADMIN_TOKEN, REPO_ROOT, startTs, until, type RunningProcess } from '../harness.js';
import { runCli, startCli, type CliResult } from './cli-process.js';

/** The run id the CLI prints in its first line: `loadtest run <id> of plan …`. */
function runIdOf(stdout: string): string {
  const id = /^loadtest run ([0-9a-f-]{36}) of plan/m.exec(stdout)?.[1];
  if (!id) throw new Error(`no run id in:\n${stdout}`);
  return id;
}

/** Where `text` starts in the output, to check the order of what a user reads. */
const at = (output: string, text: string | RegExp) =>
  output.search(typeof text === 'string' ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'm') : text);

const explain = (result: CliResult) => `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;

/**
 * `loadtest` as a user runs it (node_modules/.bin/loadtest, stdout piped as in a CI job) against a real master: the master
 * process on the real PostgreSQL with its local worker thread (in-process transport), and tools/target on 127.0.0.1.
 */
describe('loadtest CLI against a master', () => {
  let db: { url: string; drop(): Promise<void> };
  let target: TargetServer;
  let master: RunningProcess;
  let base: string;
  let dir: string;
  let planFile: string;
  let env: Record<string, string>;
  const runs: { passed?: string; failed?: string } = {};

  const idle = () =>
    until(
      async () => (await api<WorkerList>(base, 'GET', '/api/v1/workers')).body.items.some((w) => w.state === 'online' && w.runId === null),
      30_000,
      'the local worker online and idle',
    );

  beforeAll(async () => {
    db = await createDatabase();
    target = await startTarget();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    master = startTs('cli-master', 'apps/master/src/main.ts', {
      DATABASE_URL: db.url,
      AMQP_URL: '',
      PORT: String(port),
      LOCAL_WORKERS: '1',
      LOCAL_WORKER_THREADS: '1',
      RUN_START_LEAD_MS: '500',
    });
    await master.waitForLog((r) => r.msg === 'master ready', 60_000);
    await idle();
    dir = await mkdtemp(join(tmpdir(), 'loadtest-cli-e2e-'));
    planFile = join(dir, 'plan.yaml');
    // A short delay per request keeps the rate (and this machine's load) modest: 2 VUs → about 300 requests a second.
    await writeFile(
      planFile,
      `name: cli e2e\nbaseUrl: ${target.url}\nsteps:\n  - name: slow\n    method: GET\n    url: /delay/5\n    checks:\n      - status: [200]\n`,
    );
    env = { LOADTEST_MASTER: base, LOADTEST_TOKEN: E2E_ADMIN_TOKEN };
  });

  afterAll(async () => {
    await master?.stop();
    await target?.close();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('run: thresholds that hold → exit 0; a plain progress line, then the summary with the thresholds passed and their values', async () => {
    await idle();
    const result = await runCli(
      ['run', planFile, '--vus', '2', '--duration', '3s', '--threshold', 'p(95)<5s', '--threshold', 'http_req_failed: rate<0.01'],
      env,
    );
    expect({ code: result.code, out: explain(result) }).toMatchObject({ code: 0 });
    const out = result.stdout;
    runs.passed = runIdOf(out);
    // Non-TTY: plain lines, every field named; the first as soon as the first second is in.
    const firstLine = at(
      out,
      /^\[1s\/3s\] vus=\d+ rps=[\d.,]+ p95=[\d.]+(µs|ms) requests=[\d,]+ errors=0 \(0\.00%\) dropped=0 \| ✓ p\(95\)<5s \([\d.]+(µs|ms)\)/m,
    );
    expect(firstLine).toBeGreaterThan(0);
    const summary = at(out, /^ {2}thresholds$/m);
    expect(summary).toBeGreaterThan(firstLine);
    expect(out).toMatch(/✓ p\(95\)<5s \.+ [\d.]+(µs|ms)/);
    expect(out).toMatch(/✓ error_rate<0\.01 \.+ 0(\.0+)?%/);
    expect(out).toMatch(/checks \.+ 100\.00% {2}✓ [\d,]+ {2}✗ 0/);
    expect(out).toMatch(/^ {4}slow\s+[\d,]+/m);
    expect(out.trimEnd().split('\n').at(-1)).toBe('✓ every threshold passed (exit code 0)');
    // The summary says what the master recorded.
    const run = (await api<RunResource>(base, 'GET', `/api/v1/runs/${runs.passed}`)).body;
    expect(run).toMatchObject({ state: 'finished', verdict: 'passed' });
    expect(run.load.scenarios).toEqual([expect.objectContaining({ executor: 'constant-vus', vus: 2, duration: 3 })]);
    expect(out).toMatch(new RegExp(`requests \\.+ ${run.summary!.requests.toLocaleString('en-US')} `));
  });

  it('run: a threshold that fails → exit 99, marked failed with its value', async () => {
    await idle();
    const files = { html: join(dir, 'failed.html'), json: join(dir, 'failed.json'), junit: join(dir, 'failed.xml') };
    const result = await runCli(
      [
        'run',
        planFile,
        '--vus',
        '1',
        '--duration',
        '2s',
        '--threshold',
        'p(95)<1us',
        '--threshold',
        'error_rate<1%',
        '--html',
        files.html,
        '--json',
        files.json,
        '--junit',
        files.junit,
      ],
      env,
    );
    expect({ code: result.code, out: explain(result) }).toMatchObject({ code: 99 });
    runs.failed = runIdOf(result.stdout);
    // The reports, written whatever the verdict: the master's own, the same run.
    expect(result.stdout).toMatch(/wrote the HTML report to .*failed\.html \(\d+ KB\)/);
    const report = RunReportSchema.parse(JSON.parse(await readFile(files.json, 'utf8')));
    expect(report.run.id).toBe(runs.failed);
    const html = await readFile(files.html, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|(src|href)="(https?:)?\/\//i);
    const junit = await readFile(files.junit, 'utf8');
    expect(junit).toContain('<testsuite');
    expect(junit).toMatch(/<testcase[^>]*name="[^"]*p\(95\)&lt;1us[^"]*"[^>]*>\s*<failure/);
    expect(result.stdout).toMatch(/✗ p\(95\)<1us \.+ [\d.]+ms/);
    expect(result.stdout).toMatch(/✓ error_rate<1% \.+ 0(\.0+)?%/);
    expect(result.stdout).toMatch(/finished · FAILED/);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^✗ 1 threshold failed: p\(95\)<1us \([\d.]+ms\) \(exit code 99\)$/);
    expect((await api<RunResource>(base, 'GET', `/api/v1/runs/${runs.failed}`)).body).toMatchObject({ state: 'finished', verdict: 'failed' });
  });

  it('run: an abort threshold that fails ends the run early → exit 98', async () => {
    await idle();
    const began = Date.now();
    const result = await runCli(['run', planFile, '--vus', '1', '--duration', '60s', '--abort-threshold', 'p(95)<1us'], env);
    expect({ code: result.code, out: explain(result) }).toMatchObject({ code: 98 });
    expect(Date.now() - began).toBeLessThan(30_000);
    expect(result.stdout).toMatch(/ended because \.+ aborted: threshold "p\(95\)<1us"/);
    const run = (await api<RunResource>(base, 'GET', `/api/v1/runs/${runIdOf(result.stdout)}`)).body;
    expect(run.state).toBe('failed');
  });

  it('Ctrl-C mid-run stops the run on the master, still prints the summary, and exits 130', async () => {
    await idle();
    const cli = startCli(['run', planFile, '--vus', '2', '--duration', '60s', '--threshold', 'p(95)<5s', '--json', join(dir, 'stopped.json')], env);
    await cli.waitForStdout(/^\[1s\/1m00s\] /m, 20_000);
    cli.child.kill('SIGINT');
    const code = await Promise.race([cli.exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000))]);
    const out = cli.stdout();
    expect({ code, out: `${out}\n${cli.stderr()}` }).toMatchObject({ code: 130 });
    expect(out).toContain('stopping the run on the master… (Ctrl-C again to quit at once)');
    expect(out).toMatch(/stopped · FAILED|stopped · PASSED/);
    expect(out).toMatch(/requests \.+ [\d,]+/);
    expect(out.trimEnd().split('\n').at(-1)).toBe('✗ interrupted (Ctrl-C): the run was stopped (exit code 130)');
    const run = (await api<RunResource>(base, 'GET', `/api/v1/runs/${runIdOf(out)}`)).body;
    expect(run.state).toBe('stopped');
    expect(run.summary!.durationSeconds).toBeLessThan(30);
    // Ctrl-C still writes the reports asked for.
    expect(RunReportSchema.parse(JSON.parse(await readFile(join(dir, 'stopped.json'), 'utf8'))).run.id).toBe(run.id);
  });

  it('runs list / show / compare read the runs back (and --json gives the raw answer)', async () => {
    expect(runs.passed && runs.failed).toBeTruthy();
    const list = await runCli(['runs', 'list', '--limit', '10'], env);
    expect({ code: list.code, out: explain(list) }).toMatchObject({ code: 0 });
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATE\s+VERDICT\s+CREATED\s+PLANNED\s+REQUESTS\s+RPS\s+P95\s+ERRORS$/);
    expect(lines.find((l) => l.startsWith(runs.passed!))).toMatch(/\sfinished\s+passed\s/);
    expect(lines.find((l) => l.startsWith(runs.failed!))).toMatch(/\sfinished\s+failed\s/);

    const filtered = await runCli(['runs', 'list', '--state', 'stopped', '--json'], env);
    const page = JSON.parse(filtered.stdout) as RunList;
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((r) => r.state === 'stopped')).toBe(true);

    const show = await runCli(['runs', 'show', runs.failed!], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`run ${runs.failed}  finished · FAILED`);
    expect(show.stdout).toMatch(/✗ p\(95\)<1us \.+ [\d.]+ms/);
    expect(show.stdout).toMatch(/^ {4}local-1\s+local-1\s+1\s+finished\s+\d+/m);

    const compare = await runCli(['runs', 'compare', runs.passed!, runs.failed!], env);
    expect({ code: compare.code, out: explain(compare) }).toMatchObject({ code: 0 });
    const rows = compare.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^\s+A\s+B\s+B − A$/);
    expect(rows.find((r) => r.startsWith('verdict'))).toMatch(/passed\s+failed\s+passed → failed$/);
    expect(rows.find((r) => r.startsWith('requests'))).toMatch(/^requests\s+[\d,]+\s+[\d,]+\s+[+-][\d,]+ \([+-][\d.]+%\)$/);
    for (const metric of ['rps', 'p50', 'p95', 'p99', 'error rate']) expect(rows.some((r) => r.startsWith(metric))).toBe(true);
    expect(rows.find((r) => r.startsWith('threshold p(95)<1us'))).toMatch(/-\s+✗ [\d.]+ms$/);
  });

  it("report: a run's JUnit XML from the master; without a format to write, bad usage (exit 2)", async () => {
    const none = await runCli(['report', runs.failed!], env);
    expect({ code: none.code, err: none.stderr }).toMatchObject({ code: 2, err: expect.stringContaining('--html FILE, --json FILE and/or --junit FILE') });
    const file = join(dir, 'again.xml');
    const written = await runCli(['report', runs.failed!, '--junit', file], env);
    expect({ code: written.code, out: explain(written) }).toMatchObject({ code: 0 });
    expect(await readFile(file, 'utf8')).toBe(
      await (await fetch(`${base}/api/v1/runs/${runs.failed!}/report.xml`, { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` } })).text(),
    );
    const unknown = await runCli(['report', '00000000-0000-4000-8000-000000000000', '--junit', file], env);
    expect(unknown.code).toBe(4);
  });

  it('validate: a bad plan → file:line:column: field path: message, exit 2', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      `name: bad\nbaseUrl: ${target.url}\nsteps:\n  - name: one\n    method: GET\n    url: /\n  - name: two\n    method: FETCH\n    url: /\n`,
    );
    const result = await runCli(['validate', bad]);
    expect({ code: result.code, out: explain(result) }).toMatchObject({ code: 2 });
    expect(result.stderr).toContain(`${bad}:8:13: steps[1].method: must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('import curl → YAML that validate accepts', async () => {
    const commands = join(dir, 'commands.sh');
    await writeFile(commands, `curl ${target.url}/\ncurl -X POST ${target.url}/echo -H 'content-type: application/json' -d '{"a":1}'\n`);
    const imported = await runCli(['import', 'curl', commands, '--name', 'from curl']);
    expect({ code: imported.code, out: explain(imported) }).toMatchObject({ code: 0 });
    expect(imported.stdout).toMatch(/^name: from curl$/m);
    const file = join(dir, 'imported.yaml');
    await writeFile(file, imported.stdout);
    const validated = await runCli(['validate', file]);
    expect(validated).toMatchObject({ code: 0, stdout: `✓ ${file}: valid plan "from curl" (2 steps, base URL ${target.url})\n` });
  });

  it('a master that refuses the token → exit 4; one that cannot be reached → exit 3; no stack traces', async () => {
    const refused = await runCli(['runs', 'list'], { ...env, LOADTEST_TOKEN: `lt_${'x'.repeat(43)}` });
    expect({ code: refused.code, out: explain(refused) }).toMatchObject({ code: 4 });
    expect(refused.stderr).toMatch(/^error: the master refused GET \/runs \(401/);
    expect(refused.stderr).toContain('the token was refused: check --token (or LOADTEST_TOKEN)');
    const port = await freePort();
    const unreachable = await runCli(['run', planFile, '--vus', '1', '--duration', '1s'], { ...env, LOADTEST_MASTER: `http://127.0.0.1:${port}` });
    expect(unreachable).toMatchObject({
      code: 3,
      stderr: `error: cannot reach the master at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    });
  });

  it('shows the end of a run as a terminal shows it, in colour (docs/screenshots/cli-run.png)', async () => {
    await idle();
    const result = await runCli(['run', planFile, '--vus', '2', '--duration', '3s', '--threshold', 'p(95)<500ms', '--threshold', 'error_rate<1%'], {
      ...env,
      NO_COLOR: undefined,
      FORCE_COLOR: '1',
    });
    expect({ code: result.code, out: explain(result) }).toMatchObject({ code: 0 });
    // picocolors' escapes: green ticks, bold headings.
    expect(result.stdout).toContain('\u001b[32m✓');
    const terminal = `<pre style="margin:0;padding:16px;background:#0d1117;color:#e6edf3;font:14px/1.4 'DejaVu Sans Mono',monospace;white-space:pre-wrap">${Anser.ansiToHtml(Anser.escapeForHtml(result.stdout))}</pre>`;
    const browser = await chromium.launch({ ...chromiumLaunchOptions() });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 600 } });
      await page.setContent(`<!doctype html><body style="margin:0;background:#0d1117">${terminal}</body>`);
      const shown = await page.locator('pre').innerText();
      expect(shown).toContain('✓ every threshold passed (exit code 0)');
      expect(shown).not.toContain('\u001b');
      await page.locator('pre').screenshot({ path: join(REPO_ROOT, 'docs/screenshots/cli-run.png') });
    } finally {
      await browser.close();
    }
  });
});
