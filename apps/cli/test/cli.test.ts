import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli.js';
import { captureOutput } from './fake-output.js';

/** The CLI run in-process as a user runs it (`loadtest …`), with what it printed. */
async function loadtest(...args: string[]) {
  const out = captureOutput();
  const code = await main(['node', 'loadtest', ...args], out);
  return { code, ...out.text() };
}

describe('loadtest (in-process)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadtest-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--version and --help exit 0', async () => {
    expect(await loadtest('--version')).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    const help = await loadtest('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 ok');
  });

  it('an unknown command or option is bad usage (2)', async () => {
    const unknown = await loadtest('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const option = await loadtest('run', 'plan.yaml', '--vus', 'many', '--master', 'http://127.0.0.1:1');
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('--vus takes a whole number ≥ 1.');
  });

  it('validate: a valid plan exits 0; a bad one prints file:line:column: path: message and exits 2', async () => {
    const good = join(dir, 'good.yaml');
    await writeFile(good, 'name: ok\nbaseUrl: http://127.0.0.1:3000\nsteps:\n  - name: root\n    method: GET\n    url: /\n');
    expect(await loadtest('validate', good)).toMatchObject({ code: 0, stdout: `✓ ${good}: valid plan "ok" (1 step, base URL http://127.0.0.1:3000)\n` });
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'name: bad\nbaseUrl: ftp://x\nsteps:\n  - name: root\n    method: GET\n    url: /\n    timeoutMs: -1\n');
    const result = await loadtest('validate', bad);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`error: ${bad}: `);
    expect(result.stderr).toContain(`  ${bad}:2:10: baseUrl: must be an http:// or https:// URL`);
  });

  it('validate of a missing file exits 2 naming it', async () => {
    expect(await loadtest('validate', join(dir, 'nope.yaml'))).toMatchObject({
      code: 2,
      stderr: `error: cannot read ${join(dir, 'nope.yaml')}: no such file\n`,
    });
  });

  it('import curl prints YAML that validate accepts', async () => {
    const commands = join(dir, 'commands.sh');
    await writeFile(commands, 'curl http://127.0.0.1:3000/\ncurl -X POST http://127.0.0.1:3000/echo --json \'{"a":1}\'\n');
    const imported = await loadtest('import', 'curl', commands, '--name', 'imported');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('name: imported\n');
    expect(imported.stdout).toContain('baseUrl: http://127.0.0.1:3000\n');
    const file = join(dir, 'imported.yaml');
    await writeFile(file, imported.stdout);
    expect((await loadtest('validate', file)).code).toBe(0);
  });

  it('import: what cannot be converted exits 2 naming each problem', async () => {
    const commands = join(dir, 'bad.sh');
    await writeFile(commands, 'curl --frobnicate http://127.0.0.1:3000/\n');
    const result = await loadtest('import', 'curl', commands);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: cannot convert ${commands}\n  command 1: unknown option "--frobnicate"\n`);
  });

  it('run without a master runs on this machine: a missing plan file is bad usage (2), before any load', async () => {
    const saved = process.env.LOADTEST_MASTER;
    delete process.env.LOADTEST_MASTER;
    try {
      const result = await loadtest('run', join(dir, 'no-such-plan.yaml'));
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/no-such-plan\.yaml/);
    } finally {
      if (saved !== undefined) process.env.LOADTEST_MASTER = saved;
    }
  });

  it('run with bad thresholds lists them before anything is sent (2)', async () => {
    const result = await loadtest('run', 'plan.yaml', '--master', 'http://127.0.0.1:1', '--threshold', 'p(95)<', '--threshold', 'latency<3');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--threshold: threshold "p(95)<": missing value after "<"');
    expect(result.stderr).toContain('--threshold: threshold "latency<3": unknown metric "latency"');
  });

  describe('a master that cannot be reached', () => {
    let closedPort: number;
    let server: Server;
    beforeAll(async () => {
      // A port that was free a moment ago and is closed now: connecting to it is refused.
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      closedPort = (server.address() as { port: number }).port;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('runs list exits 3 with the reason, no stack trace', async () => {
      const result = await loadtest('runs', 'list', '--master', `http://127.0.0.1:${closedPort}`, '--token', 'lt_x');
      expect(result.code).toBe(3);
      expect(result.stderr).toBe(`error: cannot reach the master at http://127.0.0.1:${closedPort}: connect ECONNREFUSED 127.0.0.1:${closedPort}\n`);
    });
  });
});
