import { describe, expect, it } from '@jest/globals';
import { RunListSchema } from '@loadtest/protocol';
import { CliError } from '../src/cli-error.js';
import { EXIT } from '../src/exit-codes.js';
import { masterClient, type Fetch } from '../src/master/master-client.js';
import { masterTarget } from '../src/master/master-options.js';

const target = { url: 'http://127.0.0.1:9', token: 'lt_secret' };
const answering =
  (status: number, body: unknown, seen: Request[] = []): Fetch =>
  async (input, init) => {
    seen.push(new Request(input, init));
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };

async function failure(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('did not fail');
}

describe('the master client', () => {
  it('sends the token as a bearer and parses the answer with the protocol schema', async () => {
    const seen: Request[] = [];
    const list = await masterClient(target, answering(200, { items: [], nextCursor: null }, seen)).call('GET', '/runs?limit=5', RunListSchema);
    expect(list).toEqual({ items: [], nextCursor: null });
    expect(seen[0]!.url).toBe('http://127.0.0.1:9/api/v1/runs?limit=5');
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer lt_secret');
  });

  it("a 400 is bad usage, with the API's message and each field path", async () => {
    const error = await failure(
      masterClient(
        target,
        answering(400, { statusCode: 400, error: 'Bad Request', message: 'invalid body', issues: [{ path: 'steps[0].url', message: 'required' }] }),
      ).call('POST', '/plans', RunListSchema, { body: {} }),
    );
    expect(error.exitCode).toBe(EXIT.usage);
    expect(error.message).toBe('the master refused POST /plans (400 Bad Request): invalid body');
    expect(error.details).toEqual(['steps[0].url: required']);
  });

  it('a 401 is a refusal with a hint about the token', async () => {
    const error = await failure(
      masterClient({ ...target, token: undefined }, answering(401, { statusCode: 401, error: 'Unauthorized', message: 'authentication required' })).call(
        'GET',
        '/runs',
        RunListSchema,
      ),
    );
    expect(error.exitCode).toBe(EXIT.refused);
    expect(error.details).toEqual(['the master wants a token: pass --token lt_… (or set LOADTEST_TOKEN)']);
  });

  it('no answer at all is "cannot reach", with the system\'s reason', async () => {
    const refused: Fetch = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    };
    const error = await failure(masterClient(target, refused).call('GET', '/runs', RunListSchema));
    expect(error.exitCode).toBe(EXIT.unreachable);
    expect(error.message).toBe('cannot reach the master at http://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9');
  });

  it('an answer that is not the API (another server on the port) is told as such', async () => {
    const error = await failure(masterClient(target, answering(200, '<html>')).call('GET', '/runs', RunListSchema));
    expect(error.exitCode).toBe(EXIT.unreachable);
    expect(error.message).toMatch(/did not answer GET \/runs like a loadtest master/);
  });
});

describe('--master and --token', () => {
  it('normalises the URL and refuses what is not one', () => {
    expect(masterTarget({ master: 'http://127.0.0.1:8080/', token: ' lt_x ' })).toEqual({ url: 'http://127.0.0.1:8080', token: 'lt_x' });
    expect(() => masterTarget({})).toThrow('no master given: pass --master URL (or set LOADTEST_MASTER)');
    expect(() => masterTarget({ master: 'localhost:8080' })).toThrow('--master must be an http(s) URL, not localhost:');
    expect(() => masterTarget({ master: 'not a url' })).toThrow('is not a URL');
  });
});
