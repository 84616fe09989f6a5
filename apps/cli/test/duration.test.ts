import { describe, expect, it } from '@jest/globals';
import { parseDuration } from '../src/commands/run/duration.js';

describe('durations', () => {
  it.each([
    ['30', 30],
    ['30s', 30],
    ['5m', 300],
    ['1m30s', 90],
    ['1h', 3600],
    ['1h2m3s', 3723],
  ])('%s is %i s', (text, seconds) => expect(parseDuration(text)).toEqual({ ok: true, seconds }));

  it.each(['', '0', '0s', '1.5s', '30ms', 's', '1m1m', '30s1m', 'soon', '-5s'])('%j is refused', (text) => {
    expect(parseDuration(text)).toEqual({ ok: false, error: expect.stringContaining('is not a duration') });
  });
});
