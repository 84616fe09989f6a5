import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

/**
 * docker/compose.yaml cannot be run here (no Docker engine), so it is checked as compose would read it: valid YAML,
 * the images the Dockerfiles build and Kubernetes uses, every file it mounts present (the secrets as
 * tools/images/compose-secrets.sh writes them), and a worker service that `--scale worker=N` can replicate.
 */
const exec = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;
const DOCKER = join(ROOT, 'docker');

interface Service {
  image: string;
  build?: { context: string; dockerfile: string };
  volumes?: string[];
  secrets?: string[];
  ports?: string[];
  container_name?: string;
  environment?: Record<string, string>;
  command?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  depends_on?: Record<string, { condition: string }>;
}
interface Compose {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
}

const compose = parse(readFileSync(join(DOCKER, 'compose.yaml'), 'utf8'), { merge: true }) as Compose;
const k8sImage = (file: string) => /image: (\S+)/.exec(readFileSync(join(ROOT, 'deployments/k8s/base', file), 'utf8'))![1];

describe('docker/compose.yaml', () => {
  let secrets = '';
  afterAll(() => rmSync(secrets, { recursive: true, force: true }));

  it('runs RabbitMQ, PostgreSQL, the master and workers from the images Kubernetes uses', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['master', 'postgres', 'rabbitmq', 'worker']);
    for (const [service, file] of [
      ['master', 'master.yaml'],
      ['worker', 'worker.yaml'],
      ['rabbitmq', 'rabbitmq.yaml'],
      ['postgres', 'postgres.yaml'],
    ] as const) {
      expect([service, compose.services[service]!.image]).toEqual([service, k8sImage(file)]);
    }
    for (const service of ['master', 'worker'] as const) {
      const { build } = compose.services[service]!;
      expect(resolve(DOCKER, build!.context)).toBe(resolve(ROOT));
      expect(existsSync(join(ROOT, build!.dockerfile))).toBe(true);
    }
  });

  it('lets the worker scale: no fixed name, no published port, its own broker identity from a slot', () => {
    const worker = compose.services.worker!;
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    expect(worker.command).toContain('dist/apps/worker/worker-slot.mjs');
    expect(worker.environment).toMatchObject({ WORKER_SLOTS_DIR: '/etc/loadtest/broker', WORKER_CLAIMS_DIR: '/run/loadtest-claims' });
    expect(worker.volumes).toEqual(expect.arrayContaining(['./secrets/workers:/etc/loadtest/broker:ro', 'worker-claims:/run/loadtest-claims']));
  });

  it('runs the master and workers on a read-only root filesystem with a writable /tmp, each with the allowlist', () => {
    for (const service of ['master', 'worker'] as const) {
      expect(compose.services[service]).toMatchObject({ read_only: true, tmpfs: ['/tmp'] });
      expect(compose.services[service]!.environment!.LOADTEST_TARGET_ALLOWLIST).toBe('${LOADTEST_TARGET_ALLOWLIST:-}');
    }
  });

  it('mounts only files that exist once tools/images/compose-secrets.sh has run, and volumes it declares', async () => {
    secrets = mkdtempSync(join(tmpdir(), 'loadtest-compose-'));
    await exec('bash', [join(ROOT, 'tools/images/compose-secrets.sh'), '2', secrets], { cwd: ROOT, timeout: 60_000 });
    const local = (path: string) => (path.startsWith('./secrets/') ? join(secrets, path.slice('./secrets/'.length)) : resolve(DOCKER, path));
    for (const [name, secret] of Object.entries(compose.secrets)) expect([name, existsSync(local(secret.file))]).toEqual([name, true]);
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('.')) expect([name, source, existsSync(local(source))]).toEqual([name, source, true]);
        else expect([name, source, source in compose.volumes]).toEqual([name, source, true]);
      }
      for (const secret of service.secrets ?? []) expect([name, secret in compose.secrets]).toEqual([name, true]);
    }
    // The workers' slots are what the broker's definitions let in: worker-0 connects as user worker-worker-0.
    expect(readdirSync(join(secrets, 'workers')).sort()).toEqual(['worker-0', 'worker-1']);
    const definitions = JSON.parse(readFileSync(join(secrets, 'rabbitmq-definitions.json'), 'utf8')) as { users: { name: string }[] };
    expect(definitions.users.map((u) => u.name).sort()).toEqual(['master', 'worker-worker-0', 'worker-worker-1']);
    expect(readFileSync(join(secrets, 'workers/worker-1'), 'utf8')).toMatch(/^amqp:\/\/worker-worker-1:[^@]+@rabbitmq:5672\/loadtest$/);
    expect(readFileSync(join(secrets, 'admin-token'), 'utf8')).toMatch(/^lt_[A-Za-z0-9_-]{43}$/);
  });
});
