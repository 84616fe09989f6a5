import { describe, expect, it } from '@jest/globals';
import { checkUrl, parseAllowlist, resolveAndCheck, TargetRefused, type Lookup } from '../src/index.js';
import { SSRF_DENIED, SSRF_DNS, ssrfAllowlist, ssrfCases } from '../src/ssrf-cases.js';

const PORT = 18080;
const allowlist = parseAllowlist(ssrfAllowlist(PORT), SSRF_DENIED);
const lookup: Lookup = async (name) => (SSRF_DNS[name] ?? []).map((address) => ({ address, family: 4 }));

/** What the worker does: the URL checked, then its host resolved and every address checked. */
async function check(url: string): Promise<void> {
  const checked = checkUrl(url, allowlist);
  await resolveAndCheck(checked.host, checked.port, allowlist, lookup);
}

describe('the SSRF cases of issue 14, against the check alone', () => {
  it.each(ssrfCases(PORT).map((c) => [c.name, c] as const))('%s is refused, naming the rule', async (_name, c) => {
    const error = await check(c.baseUrl).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TargetRefused);
    expect((error as TargetRefused).message).toMatch(c.rule);
  });

  it('the allowed targets of the suites pass', async () => {
    await expect(check(`http://127.0.0.2:${PORT}/`)).resolves.toBeUndefined();
    await expect(check(`http://allowed.example:${PORT}/x`)).resolves.toBeUndefined();
  });
});
