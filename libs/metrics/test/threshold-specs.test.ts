import { describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { checkThresholdSpecs } from '../src/index.js';

describe('checkThresholdSpecs', () => {
  it('parses every threshold and scopes it to its step', () => {
    const { thresholds, issues } = checkThresholdSpecs([{ expression: 'p(95) < 300ms' }, { expression: 'error_rate < 1%', step: 'login' }], ['root', 'login']);
    expect(issues).toEqual([]);
    expect(thresholds.map((t) => [t.threshold.expression, t.step])).toEqual([
      ['p(95) < 300ms', undefined],
      ['error_rate < 1%', 'login'],
    ]);
  });

  it('reports every malformed expression and unknown step at once, by path', () => {
    const { issues } = checkThresholdSpecs([{ expression: 'p95 < 1s' }, { expression: 'rps > 10', step: 'checkout' }], ['root']);
    expect(issues.map((i) => i.path)).toEqual(['thresholds[0].expression', 'thresholds[1].step']);
    expect(issues[0]!.message).toContain('unknown metric "p95"');
    expect(issues[1]!.message).toBe('unknown step "checkout" (the plan\'s steps: root)');
  });
});

describe('@loadtest/metrics/thresholds', () => {
  it('bundles for a browser: no Node built-in is reached', async () => {
    const entry = fileURLToPath(new URL('../src/thresholds/browser.ts', import.meta.url));
    const result = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', metafile: true });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith('node:') || input.includes('node_modules'))).toEqual([]);
  });
});
