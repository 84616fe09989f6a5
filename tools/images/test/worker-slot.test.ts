import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** docker/worker-slot.mjs: how compose's identical worker replicas each take their own broker identity. */
interface ClaimOptions {
  slotsDir: string;
  claimsDir: string;
  owner: string;
  staleMs?: number;
  now?: number;
}
const { claimSlot } = (await import(new URL('../../../docker/worker-slot.mjs', import.meta.url).href)) as { claimSlot: (o: ClaimOptions) => string };

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function slots(count: number): { slotsDir: string; claimsDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-slots-'));
  made.push(dir);
  const slotsDir = join(dir, 'broker');
  mkdirSync(slotsDir);
  for (let i = 0; i < count; i++) writeFileSync(join(slotsDir, `worker-${i}`), `amqp://worker-worker-${i}:pw@rabbitmq:5672/loadtest`);
  return { slotsDir, claimsDir: join(dir, 'claims') };
}

describe('worker slots', () => {
  it('replicas take different identities, in order, and a restarted one takes its own again', () => {
    const dirs = slots(3);
    expect(['a', 'b', 'c'].map((owner) => claimSlot({ ...dirs, owner }))).toEqual(['worker-0', 'worker-1', 'worker-2']);
    expect(claimSlot({ ...dirs, owner: 'b' })).toBe('worker-1');
  });

  it('orders slots numerically (worker-10 after worker-9)', () => {
    const dirs = slots(11);
    const taken = Array.from({ length: 11 }, (_, i) => claimSlot({ ...dirs, owner: `o${i}` }));
    expect(taken.slice(9)).toEqual(['worker-9', 'worker-10']);
  });

  it('refuses a replica beyond the slots while the others are alive, naming them', () => {
    const dirs = slots(2);
    claimSlot({ ...dirs, owner: 'a' });
    claimSlot({ ...dirs, owner: 'b' });
    expect(() => claimSlot({ ...dirs, owner: 'c' })).toThrow(/every worker slot \(worker-0, worker-1\) is held.*--workers N/);
  });

  it("takes over the slot of a replica that stopped refreshing its claim (a removed container's)", () => {
    const dirs = slots(2);
    claimSlot({ ...dirs, owner: 'a' });
    claimSlot({ ...dirs, owner: 'b' });
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dirs.claimsDir, 'worker-1', 'owner'), old, old);
    expect(claimSlot({ ...dirs, owner: 'c', staleMs: 30_000 })).toBe('worker-1');
    expect(() => claimSlot({ ...dirs, owner: 'd', staleMs: 30_000 })).toThrow(/held by a running worker/);
  });

  it('says how to make slots when there are none', () => {
    expect(() => claimSlot({ ...slots(0), owner: 'a' })).toThrow(/no worker slots.*k8s-secrets/);
  });
});
