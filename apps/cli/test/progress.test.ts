import { describe, expect, it } from '@jest/globals';
import pc from 'picocolors';
import { applyWindow, initialProgress, plainLineDue, plainProgressLine, progressFigures } from '../src/commands/run/progress.js';
import { plainView } from '../src/commands/run/live-view.js';
import { captureOutput } from './fake-output.js';
import { liveWindow } from './fixtures.js';

const plain = pc.createColors(false);

describe('live progress', () => {
  it('adds the windows up: totals so far, the last second for rate, p95 and VUs', () => {
    let p = initialProgress(30);
    p = applyWindow(p, liveWindow(0, 1000));
    p = applyWindow(p, liveWindow(1, 1200, { errorCount: 12, dropped: 3, vus: 7 }));
    expect(p).toMatchObject({ elapsedSeconds: 2, totalSeconds: 30, vus: 7, rps: 1200, p95Micros: 2500, requests: 2200, errors: 12, dropped: 3 });
  });

  it('a revised second replaces its earlier counts in the totals, and leaves the figures of the latest second shown', () => {
    let p = initialProgress(30);
    p = applyWindow(p, liveWindow(0, 1000, { errorCount: 1, missingWorkers: 1 }));
    p = applyWindow(p, liveWindow(1, 1200, { vus: 7 }));
    // Second 0 again, with the window that came late: 1000 → 1500 requests, 1 → 4 errors.
    p = applyWindow(p, liveWindow(0, 1500, { errorCount: 4, vus: 9, revision: true }));
    expect(p).toMatchObject({ elapsedSeconds: 2, vus: 7, rps: 1200, requests: 2700, errors: 4 });
  });

  it('formats the terminal figures', () => {
    const p = applyWindow(initialProgress(30), liveWindow(11, 1234, { errorCount: 0 }));
    expect(progressFigures(p, plain)).toBe('12s/30s  VUs 5  1,234 req/s  p95 2.50ms  errors 0 (0.00%)  dropped 0');
  });

  it('formats the plain log line with every field named and each threshold state', () => {
    let p = applyWindow(initialProgress(90), liveWindow(9, 500, { errorCount: 5 }));
    p = {
      ...p,
      thresholds: [
        { expression: 'p(95)<300ms', step: null, ok: true, value: 2500, display: '2.50ms' },
        { expression: 'error_rate<0.1%', step: 'login', ok: false, value: 0.0099, display: '0.99%' },
      ],
    };
    expect(plainProgressLine(p, plain)).toBe(
      '[10s/1m30s] vus=5 rps=500 p95=2.50ms requests=500 errors=5 (0.99%) dropped=0 | ✓ p(95)<300ms (2.50ms), ✗ error_rate<0.1% [login] (0.99%)',
    );
  });

  it('prints plain lines on the first window, then every 10 s', () => {
    expect(plainLineDue(undefined, 1)).toBe(true);
    expect(plainLineDue(1, 10)).toBe(false);
    expect(plainLineDue(1, 11)).toBe(true);
  });

  it('the plain view prints the first second, each tenth, and the last state at the end', () => {
    const out = captureOutput();
    const view = plainView(out);
    let p = initialProgress(25);
    for (let second = 0; second < 25; second++) {
      p = applyWindow(p, liveWindow(second, 100));
      view.update(p);
    }
    view.stop();
    expect(out.stdout.map((l) => l.split(' ')[0])).toEqual(['[1s/25s]', '[11s/25s]', '[21s/25s]', '[25s/25s]']);
  });
});
