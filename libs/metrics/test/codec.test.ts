import { describe, expect, it } from 'vitest';
import { decodeWindow, encodeWindow, summarize, WindowRecorder } from '../src/index.js';

/** A typical window: one second of one worker at ~2000 rps over two steps, with a log-normal-ish latency spread. */
export function typicalWindow(seed = 1) {
  let s = seed;
  const random = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const recorder = new WindowRecorder();
  for (let i = 0; i < 2000; i++) {
    const micros = Math.round(800 * Math.exp(0.6 * Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random())));
    recorder.recordResponse(i % 4 === 0 ? 'login' : 'search', random() < 0.99 ? 200 : 503, 350, 120, micros);
  }
  recorder.recordError('search', 'timeout');
  return recorder.take(12, 1000);
}

describe('window encoding', () => {
  it('is compact: a typical window (2000 responses, 2 steps) encodes in under 1.5 KB', () => {
    const window = typicalWindow();
    const bytes = encodeWindow(window);
    // eslint-disable-next-line no-console -- the figure the issue asks for, in the test output
    console.log(`encoded size of a typical window (2000 responses, 2 steps, 2 status codes): ${bytes.length} bytes`);
    expect(bytes.length).toBeLessThan(1500);
    expect(summarize([decodeWindow(bytes)])).toEqual(summarize([window]));
  });

  it('rejects corrupt input with a reason', () => {
    const bytes = encodeWindow(typicalWindow());
    expect(() => decodeWindow(new Uint8Array([1, 2, 3]))).toThrow(/invalid encoded window: not an encoded window/);
    expect(() => decodeWindow(bytes.subarray(0, bytes.length - 5))).toThrow(/invalid encoded window/);
    expect(() => decodeWindow(new Uint8Array([...bytes, 0]))).toThrow(/trailing bytes/);
    const wrongFormat = Uint8Array.from(bytes);
    wrongFormat[1] = 9;
    expect(() => decodeWindow(wrongFormat)).toThrow(/unknown window format 9/);
  });
});
