import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The Dockerfiles pass dockerfile-utils' lint (the CLI CI runs, exit 1 on an error), and our own rules: one pinned
 * base matching the node the workspace is tested with, the non-root user of the Kubernetes manifests, a HEALTHCHECK.
 */
const exec = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;
const CLI = join(ROOT, 'node_modules/dockerfile-utils/bin/dockerfile-utils');
const DOCKERFILES = ['docker/master.Dockerfile', 'docker/worker.Dockerfile'];

async function lint(file: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec('node', [CLI, 'lint', file], { timeout: 30_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('Dockerfile lint', () => {
  it.each(DOCKERFILES)('%s has no lint error', async (file) => {
    const result = await lint(join(ROOT, file));
    expect(result).toEqual({ code: 0, output: expect.not.stringMatching(/error/i) });
  });

  it('a broken Dockerfile fails the lint, naming the problems', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loadtest-lint-'));
    const broken = join(dir, 'broken.Dockerfile');
    // A misspelt instruction, a HEALTHCHECK without a command, and EXPOSE of no port.
    writeFileSync(broken, 'FROM docker.io/library/node:20.20.2-bookworm-slim\nCOPPY dist /app\nHEALTHCHECK CMD\nEXPOSE\n');
    const result = await lint(broken);
    rmSync(dir, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/COPPY/i);
    expect(result.output).toMatch(/HEALTHCHECK|EXPOSE/i);
  });

  it.each(DOCKERFILES)('%s: every stage starts from node:<the host node>-bookworm-slim, runs as 10001, has a HEALTHCHECK on /healthz', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const bases = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(new Set(bases)).toEqual(new Set([`docker.io/library/node:${process.versions.node}-bookworm-slim`]));
    expect(text).toMatch(/^USER 10001:10001$/m);
    expect(text).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    // The bundle, not the sources: nothing copies the workspace's node_modules or src/ in.
    const copies = [...text.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].map((m) => m[1]!);
    expect(copies.every((c) => /^(dist\/apps\/|docker\/worker-slot\.mjs)/.test(c))).toBe(true);
  });
});
