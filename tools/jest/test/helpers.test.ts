import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { onTestFinished, waitFor, waitUntil, withMessage } from '../src/index.js';

describe('withMessage', () => {
  it('puts the message in front of a failed assertion', () => {
    let thrown: unknown;
    try {
      withMessage('the body was {}', () => expect(1).toBe(2));
    } catch (error) {
      thrown = error;
    }
    // Jest colours the matcher's text when the terminal (or nx) asks for colour.
    expect(stripVTControlCharacters((thrown as Error).message)).toMatch(/^the body was \{\}\n\n[\s\S]*Expected: 2/);
  });

  it('passes a passing assertion through, and awaits an async one', async () => {
    expect(withMessage('unused', () => 7)).toBe(7);
    await expect(withMessage('async', () => expect(Promise.resolve(1)).resolves.toBe(2))).rejects.toThrow(/^async\n\n/);
  });
});

describe('onTestFinished', () => {
  const order: string[] = [];
  it('registers work for the end of the test', () => {
    onTestFinished(() => void order.push('first'));
    onTestFinished(() => void order.push('second'));
    expect(order).toEqual([]);
  });

  it('ran it after that test, last registered first', () => {
    expect(order).toEqual(['second', 'first']);
  });

  afterAll(() => expect(order).toEqual(['second', 'first']));
});

describe('waitFor / waitUntil', () => {
  it('retries until the function stops throwing', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls += 1;
        if (calls < 3) throw new Error('not yet');
        return calls;
      },
      { timeout: 2000, interval: 5 },
    );
    expect(value).toBe(3);
  });

  it('gives up with the last error after its timeout', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('never');
        },
        { timeout: 50, interval: 5 },
      ),
    ).rejects.toThrow('never');
    await expect(waitUntil(() => false, 50)).rejects.toThrow('condition not met within 50 ms');
  });
});
