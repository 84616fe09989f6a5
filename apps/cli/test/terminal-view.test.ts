import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { terminalView } from '../src/commands/run/live-view.js';
import { applyWindow, initialProgress } from '../src/commands/run/progress.js';
import type { Output } from '../src/output/output.js';
import { captureOutput } from './fake-output.js';
import { liveWindow } from './fixtures.js';

/** A terminal of 160 columns that keeps what was drawn on it. */
function fakeTerminal(): { stream: NodeJS.WriteStream; drawn(): string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 160, rows: 40 }) as unknown as NodeJS.WriteStream;
  let text = '';
  (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (text += chunk.toString()));
  // Colour and cursor codes take no place on screen.
  // eslint-disable-next-line no-control-regex -- ESC (0x1b) starts every code to strip
  return { stream, drawn: () => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '') };
}

describe('the terminal view', () => {
  it('draws the bar with the figures and one line per threshold, and leaves the last state on screen', async () => {
    const terminal = fakeTerminal();
    // Only the stream is drawn on; the rest of the output is the fake's, unused here.
    const out: Output = { ...captureOutput(true), stream: terminal.stream };
    const view = terminalView(out);
    let progress = initialProgress(30);
    for (let second = 0; second < 12; second++) progress = applyWindow(progress, liveWindow(second, 1234));
    view.update(progress);
    view.note('the run started');
    view.stop();
    await new Promise((resolve) => setImmediate(resolve));
    const drawn = terminal.drawn();
    expect(drawn).toContain('12s/30s  VUs 5  1,234 req/s  p95 2.50ms  errors 0 (0.00%)  dropped 0');
    expect(drawn).toContain('  ✓ p(95)<300ms (2.50ms)');
    expect(drawn).toContain('the run started');
    // 12 of 30 seconds: 40 % of the 20-character bar is full.
    expect(drawn).toContain(`${'█'.repeat(8)}${'░'.repeat(12)} 12s/30s`);
  });
});
