import { PROTOCOL_VERSION, type RunAssign, type RunWindow } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { parseAllowlist, type Lookup } from '@loadtest/targets';
import pino from 'pino';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ShareRun } from '@loadtest/engine';
import { listenClosingTarget, listenCounting, type ClosingTarget, type CountingListener } from './listeners.js';

const logger = pino({ level: 'silent' });

function assignment(baseUrl: string, durationSeconds = 1): RunAssign {
  return {
    v: PROTOCOL_VERSION,
    type: 'run.assign',
    sentAt: Date.now(),
    runId: '7d3f1a52-0c1e-4a8e-9a55-2b7f4c1d9e01',
    workerId: 'w1',
    plan: PlanSchema.parse({ name: 'p', baseUrl, steps: [{ name: 'root', method: 'GET', url: '/' }] }),
    durationSeconds,
    scenarios: [{ name: 'default', executor: 'constant-vus', vus: 2, duration: durationSeconds, startTime: 0 }],
    timeoutSeconds: 5,
    share: { index: 0, count: 1, connections: 2 },
    segment: { from: { num: 0, den: 1 }, to: { num: 1, den: 1 } },
    startAt: Date.now() + 200,
  };
}

/** A listener at 127.0.0.1 (forbidden) and an HTTP target at 127.0.0.2 (allowed) on the same port. */
async function pair(): Promise<{ forbidden: CountingListener; allowed: ClosingTarget }> {
  for (let attempt = 0; ; attempt++) {
    const forbidden = await listenCounting('127.0.0.1');
    try {
      return { forbidden, allowed: await listenClosingTarget('127.0.0.2', forbidden.port) };
    } catch (error) {
      await forbidden.close();
      if (attempt > 5) throw error;
    }
  }
}

describe('the worker checks and pins its target itself', () => {
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closing.splice(0).map((close) => close()));
  });

  it('refuses a share whose target the allowlist refuses: nothing is sent, the reason names the host and the rule', async () => {
    const forbidden = await listenCounting('127.0.0.1');
    closing.push(forbidden.close);
    const windows: RunWindow[] = [];
    const share = new ShareRun(assignment(`http://127.0.0.1:${forbidden.port}/`), {
      logger,
      publishWindow: async (window) => void windows.push(window),
      onStarted: () => undefined,
      targets: { allowlist: parseAllowlist('127.0.0.2') },
    });
    const outcome = await share.run();
    expect(outcome).toEqual({
      state: 'failed',
      windows: 0,
      reason: expect.stringMatching(/target "127\.0\.0\.1" is refused: address 127\.0\.0\.1 port \d+ is not in the allowlist/),
    });
    expect(windows).toEqual([]);
    expect(forbidden.connections()).toBe(0);
  });

  it('resolves once and connects to the checked address on every reconnect, the Host header kept (DNS rebinding)', async () => {
    const { forbidden, allowed } = await pair();
    closing.push(forbidden.close, allowed.close);
    const answers = ['127.0.0.2', '127.0.0.1'];
    let lookups = 0;
    // Answers the allowed address first, then the forbidden one: a second lookup (a reconnect resolving again) would move the load.
    const lookup: Lookup = async () => [{ address: answers[Math.min(lookups++, 1)]!, family: 4 }];
    const windows: RunWindow[] = [];
    const share = new ShareRun(assignment(`http://rebind.example:${allowed.port}/`), {
      logger,
      publishWindow: async (window) => void windows.push(window),
      onStarted: () => undefined,
      targets: { allowlist: parseAllowlist('rebind.example, 127.0.0.2'), lookup },
    });
    const outcome = await share.run();
    expect(outcome.state).toBe('finished');
    expect(lookups).toBe(1);
    // The target closes every connection after its answer: each further request came on a reconnect, to 127.0.0.2.
    expect(allowed.connections()).toBeGreaterThan(3);
    expect(new Set(allowed.hosts())).toEqual(new Set([`rebind.example:${allowed.port}`]));
    expect(forbidden.connections()).toBe(0);
  });

  it('refuses a name the resolver answers with a loopback address when only the name is allowed', async () => {
    const forbidden = await listenCounting('127.0.0.1');
    closing.push(forbidden.close);
    const lookup: Lookup = async () => [{ address: '127.0.0.1', family: 4 }];
    const share = new ShareRun(assignment(`http://private.example:${forbidden.port}/`), {
      logger,
      publishWindow: async () => undefined,
      onStarted: () => undefined,
      targets: { allowlist: parseAllowlist('private.example'), lookup },
    });
    const outcome = await share.run();
    expect(outcome).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/"private\.example" \(address 127\.0\.0\.1\) is refused: resolves to 127\.0\.0\.1, a loopback address/),
    });
    expect(forbidden.connections()).toBe(0);
  });
});
