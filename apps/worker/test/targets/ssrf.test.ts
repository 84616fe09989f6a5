import { decodeWindowBase64, summarize } from '@loadtest/metrics';
import { PROTOCOL_VERSION, type RunAssign, type RunWindow } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { parseAllowlist, type Lookup } from '@loadtest/targets';
import { SSRF_DENIED, SSRF_DNS, ssrfAllowlist, ssrfCases } from '@loadtest/targets/ssrf-cases';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ShareRun } from '@loadtest/engine';
import { listenClosingTarget, listenCounting, type ClosingTarget, type CountingListener } from './listeners.js';

const logger = pino({ level: 'silent' });

/** A share of the plan: its base URL set as given, past the plan's schema (the master's checks are bypassed here). */
function assignment(baseUrl: string, steps: object[] = [{ name: 'root', method: 'GET', url: '/' }]): RunAssign {
  const plan = { ...PlanSchema.parse({ name: 'p', baseUrl: 'http://127.0.0.2/', steps }), baseUrl };
  return {
    v: PROTOCOL_VERSION,
    type: 'run.assign',
    sentAt: Date.now(),
    runId: '7d3f1a52-0c1e-4a8e-9a55-2b7f4c1d9e01',
    workerId: 'w1',
    plan,
    durationSeconds: 1,
    scenarios: [{ name: 'default', executor: 'constant-vus', vus: 2, duration: 1, startTime: 0 }],
    timeoutSeconds: 5,
    share: { index: 0, count: 1, connections: 2 },
    segment: { from: { num: 0, den: 1 }, to: { num: 1, den: 1 } },
    startAt: Date.now() + 200,
  };
}

/**
 * The worker's side of issue 14's SSRF suite: each case's share is run by the worker's ShareRun directly (as if the
 * master had let it through) and refused before any connection, while listeners at the forbidden addresses count 0.
 */
describe('SSRF: the worker refuses every case itself, and nothing connects to a forbidden address', () => {
  /** The allowed HTTP target at 127.0.0.2:port; forbidden listeners at 127.0.0.1:port and [::1]:port. */
  let target: ClosingTarget;
  let loopback4: CountingListener;
  let loopback6: CountingListener | undefined;
  const own = new Map<string, CountingListener>();
  let port = 0;
  let lookups: string[] = [];
  const lookup: Lookup = async (name) => {
    lookups.push(name);
    return (SSRF_DNS[name] ?? []).map((address) => ({ address, family: 4 }));
  };

  beforeAll(async () => {
    for (let attempt = 0; ; attempt++) {
      loopback4 = await listenCounting('127.0.0.1');
      try {
        target = await listenClosingTarget('127.0.0.2', loopback4.port, (request) =>
          request.url === '/redirect' ? { status: 302, headers: { location: `http://127.0.0.1:${loopback4.port}/` } } : { status: 200 },
        );
        break;
      } catch (error) {
        await loopback4.close();
        if (attempt > 5) throw error;
      }
    }
    port = loopback4.port;
    // ::1 may be missing on a host without IPv6: the IPv6 cases are then still refused, counted on 127.0.0.1 only.
    loopback6 = await listenCounting('::1', port).catch(() => undefined);
    for (const c of ssrfCases(port)) {
      if (typeof c.lands !== 'object') continue;
      // Where that port is taken (a service bound on every address), the case is asserted without its own count.
      const listener = await listenCounting(c.lands.host, c.lands.port).catch(() => undefined);
      if (listener) own.set(c.name, listener);
    }
  }, 10_000);

  afterAll(async () => {
    await Promise.all([target.close(), loopback4.close(), loopback6?.close(), ...[...own.values()].map((l) => l.close())]);
  });

  const allowlist = () => parseAllowlist(ssrfAllowlist(port), SSRF_DENIED);
  const forbiddenConnections = () => loopback4.connections() + (loopback6?.connections() ?? 0);

  it.each(ssrfCases(18080).map((c) => [c.name]))('%s', async (name) => {
    const c = ssrfCases(port).find((x) => x.name === name)!;
    const windows: RunWindow[] = [];
    const share = new ShareRun(assignment(c.baseUrl), {
      logger,
      publishWindow: async (window) => void windows.push(window),
      onStarted: () => undefined,
      targets: { allowlist: allowlist(), lookup },
    });
    const outcome = await share.run();
    expect(outcome).toEqual({ state: 'failed', windows: 0, reason: expect.stringMatching(c.rule) });
    expect(windows).toEqual([]);
    expect(forbiddenConnections()).toBe(0);
    expect(own.get(name)?.connections() ?? 0).toBe(0);
  });

  it('rebinding: a name answered with the allowed address, then with loopback, keeps its load on the checked address across reconnects', async () => {
    const answers = ['127.0.0.2', '127.0.0.1'];
    lookups = [];
    const rebinding: Lookup = async (name) => [{ address: answers[Math.min(lookups.push(name) - 1, 1)]!, family: 4 }];
    const before = target.connections();
    const share = new ShareRun(assignment(`http://rebind.example:${port}/`), {
      logger,
      publishWindow: async () => undefined,
      onStarted: () => undefined,
      targets: { allowlist: allowlist(), lookup: rebinding },
    });
    expect((await share.run()).state).toBe('finished');
    expect(lookups).toEqual(['rebind.example']);
    // The target closes each connection after its answer: every further request came on a reconnect.
    expect(target.connections() - before).toBeGreaterThan(3);
    expect(forbiddenConnections()).toBe(0);
  });

  it('a 302 from the allowed target to a forbidden address is not followed (autocannon follows no redirect)', async () => {
    const windows: RunWindow[] = [];
    const share = new ShareRun(assignment(`http://127.0.0.2:${port}/`, [{ name: 'redirect', method: 'GET', url: '/redirect' }]), {
      logger,
      publishWindow: async (window) => void windows.push(window),
      onStarted: () => undefined,
      targets: { allowlist: allowlist(), lookup },
    });
    expect((await share.run()).state).toBe('finished');
    const summary = summarize(windows.map((w) => decodeWindowBase64(w.data)));
    expect(summary.requests).toBeGreaterThan(0);
    expect(summary.statusCodes).toEqual({ '302': summary.requests });
    expect(forbiddenConnections()).toBe(0);
  });

  it('a flow step whose absolute URL is on another host is not sent there: it counts as `blocked`', async () => {
    const windows: RunWindow[] = [];
    const steps = [
      { name: 'ok', method: 'GET', url: '/' },
      { name: 'elsewhere', method: 'GET', url: `http://127.0.0.1:${port}/` },
    ];
    const share = new ShareRun(assignment(`http://127.0.0.2:${port}/`, steps), {
      logger,
      publishWindow: async (window) => void windows.push(window),
      onStarted: () => undefined,
      targets: { allowlist: allowlist(), lookup },
    });
    expect((await share.run()).state).toBe('finished');
    expect(forbiddenConnections()).toBe(0);
    const summary = summarize(windows.map((w) => decodeWindowBase64(w.data)));
    expect(summary.steps.ok?.requests).toBeGreaterThan(0);
    expect(summary.steps.elsewhere?.requests).toBe(0);
    expect(summary.steps.elsewhere?.errors.blocked).toBeGreaterThan(0);
    expect(summary.errors).toEqual({
      timeout: 0,
      refused: 0,
      reset: 0,
      other: 0,
      interrupted: expect.any(Number),
      blocked: summary.steps.elsewhere?.errors.blocked,
    });
  });

  // Last: it connects to the forbidden listeners on purpose, to show that they count what reaches them.
  it('control: with loopback allowed, the same share does reach the listener (the counts above could have failed)', async () => {
    const share = new ShareRun(assignment(`http://0x7f000001:${port}/`), {
      logger,
      publishWindow: async () => undefined,
      onStarted: () => undefined,
      targets: { allowlist: parseAllowlist(`127.0.0.1:${port}`), lookup },
    });
    await share.run();
    expect(loopback4.connections()).toBeGreaterThan(0);
  });
});
