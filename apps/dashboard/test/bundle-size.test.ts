import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const DIST = fileURLToPath(new URL('../../../dist/apps/dashboard/', import.meta.url));
/** The budget for what a first visit downloads before the app runs. */
const INITIAL_JS_BUDGET_GZIP = 300 * 1024;

/** The scripts index.html loads at once (its module entry and the chunks it preloads), not lazily loaded ones. */
function initialScripts(html: string): string[] {
  const sources = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map(
    (m) => m[1]!,
  );
  return [...new Set(sources)];
}

describe('the built dashboard (dist/apps/dashboard, made by `nx build dashboard` or npm ci)', () => {
  it('loads at most 300 KB of JavaScript, gzipped, at first', () => {
    expect(existsSync(join(DIST, 'index.html'))).toBe(true);
    const scripts = initialScripts(readFileSync(join(DIST, 'index.html'), 'utf8'));
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, src) => sum + gzipSync(readFileSync(join(DIST, src.replace(/^\//, '')))).length, 0);
    process.stdout.write(`initial JavaScript: ${scripts.join(', ')} = ${(gzipped / 1024).toFixed(1)} KB gzipped\n`);
    expect(gzipped).toBeLessThanOrEqual(INITIAL_JS_BUDGET_GZIP);
  });
});
