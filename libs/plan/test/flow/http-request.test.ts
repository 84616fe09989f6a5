import { describe, expect, it } from '@jest/globals';
import { compileFlow, type CompiledHttp } from '../../src/flow/compile.js';
import { isPlainSequence } from '../../src/flow/fast-path.js';
import { renderRequest, requestBytes, requestTarget, UnsendableRequest } from '../../src/flow/http-request.js';
import { Scope } from '../../src/flow/scope.js';
import { plan } from './helpers.js';

function render(step: Record<string, unknown>, rest: Record<string, unknown> = {}, vars: Record<string, string> = {}) {
  const p = plan([{ name: 's', method: 'GET', url: '/', ...step }], rest);
  const flow = compileFlow(p);
  const scope = new Scope(p.variables);
  for (const [k, v] of Object.entries(vars)) scope.set(k, v);
  return renderRequest(flow.steps[0] as CompiledHttp, scope.lookup, requestTarget(p.baseUrl)).toString('utf8');
}

describe('rendering a step request', () => {
  it('renders a step with no template once, the same bytes for every user; a templated step for each user', () => {
    const p = plan(
      [
        { name: 'fixed', method: 'POST', url: '/login', headers: { 'x-a': 'b' }, body: { json: { user: 'u', pass: 'p' } } },
        { name: 'mine', method: 'POST', url: '/login', body: { json: { user: '${name}' } } },
        { name: 'escaped', method: 'GET', url: '/a', query: { q: '$${x}' } },
      ],
      { variables: { name: 'x' } },
    );
    const [fixed, mine, escaped] = compileFlow(p).steps as CompiledHttp[];
    // An escape is resolved when compiled: still the same bytes for everyone.
    expect([fixed!.constant, mine!.constant, escaped!.constant]).toEqual([true, false, true]);
    expect(requestBytes(escaped!, new Scope(p.variables).lookup, requestTarget(p.baseUrl)).toString()).toContain('GET /api/a?q=%24%7Bx%7D HTTP/1.1');
    const target = requestTarget(p.baseUrl);
    const ann = new Scope(p.variables);
    ann.set('name', 'Ann');
    const bob = new Scope(p.variables);
    bob.set('name', 'Bob');
    const first = requestBytes(fixed!, ann.lookup, target);
    expect(requestBytes(fixed!, bob.lookup, target)).toBe(first);
    expect(first.equals(renderRequest(fixed!, ann.lookup, target))).toBe(true);
    expect(requestBytes(mine!, ann.lookup, target).toString()).toContain('{"user":"Ann"}');
    expect(requestBytes(mine!, bob.lookup, target).toString()).toContain('{"user":"Bob"}');
  });

  it('templates the URL under the base path, the query, the headers (the step over the plan, any case) and a JSON body', () => {
    const text = render(
      {
        method: 'POST',
        url: '/users/${id}',
        query: { q: '${name} & co', page: '2' },
        headers: { Authorization: 'Bearer ${token}', 'X-Env': 'step' },
        body: { json: { name: '${name}', id: '${id}', n: 1, nested: ['${token}', true], lit: '$${x}' } },
      },
      { variables: { id: 7, name: 'Ann', token: '' }, headers: { 'x-env': 'plan', 'x-plan': '${id}' } },
      { token: 'tk' },
    );
    const [head, body] = text.split('\r\n\r\n');
    expect(head!.split('\r\n')).toEqual([
      'POST /api/users/7?q=Ann+%26+co&page=2 HTTP/1.1',
      'Host: 127.0.0.1:8080',
      'Connection: keep-alive',
      'X-Env: step',
      'x-plan: 7',
      'Authorization: Bearer tk',
      'content-type: application/json',
      `Content-Length: ${Buffer.byteLength(body!)}`,
    ]);
    expect(JSON.parse(body!)).toEqual({ name: 'Ann', id: '7', n: 1, nested: ['tk', true], lit: '${x}' });
  });

  it('form and text bodies; a header of the plan keeps its content type', () => {
    const form = render({ method: 'POST', url: '/login', body: { form: { user: '${u}', password: 'p w' } } }, { variables: { u: 'a&b' } });
    expect(form).toContain('content-type: application/x-www-form-urlencoded\r\n');
    expect(form.endsWith('\r\n\r\nuser=a%26b&password=p+w')).toBe(true);
    const text = render({ method: 'PUT', url: '/t', headers: { 'Content-Type': 'text/csv' }, body: { text: 'a,${v}' } }, { variables: { v: 'é' } });
    expect(text).toContain('Content-Type: text/csv\r\nContent-Length: 4\r\n\r\na,é');
    expect(text).not.toContain('content-type: ');
  });

  it('percent-encodes what cannot stand in a request line; an absolute URL on the same server is sent, on another one is refused', () => {
    expect(render({ url: '/s/${v}' }, { variables: { v: 'a b/é%20' } }).split('\r\n')[0]).toBe('GET /api/s/a%20b/%C3%A9%20 HTTP/1.1');
    expect(render({ url: 'http://127.0.0.1:8080/x?y=1' }).split('\r\n')[0]).toBe('GET /x?y=1 HTTP/1.1');
    expect(() => render({ url: 'http://example.invalid/x' })).toThrow(UnsendableRequest);
  });
});

describe('the fast path', () => {
  const http = (extra: Record<string, unknown> = {}) => ({ name: 'a', method: 'POST', url: '/a', body: { json: { a: 'b' } }, ...extra });
  it('takes plain sequences of constant HTTP steps only', () => {
    expect(isPlainSequence(plan([http(), http({ name: 'b', query: { q: '1' }, headers: { x: 'y' } })]))).toBe(true);
    expect(isPlainSequence(plan([http({ url: '/a/${v}' })], { variables: { v: 1 } }))).toBe(false);
    expect(isPlainSequence(plan([http({ body: { json: { a: ['$${x}'] } } })]))).toBe(false);
    expect(isPlainSequence(plan([http({ checks: [{ status: [200] }] })]))).toBe(false);
    expect(isPlainSequence(plan([http({ extract: [{ var: 'v', status: true }] })]))).toBe(false);
    expect(isPlainSequence(plan([http({ timeoutSeconds: 3 })]))).toBe(false);
    expect(isPlainSequence(plan([http(), { kind: 'think', ms: 10 }]))).toBe(false);
    expect(isPlainSequence(plan([{ kind: 'group', repeat: 2, steps: [http()] }]))).toBe(false);
    expect(isPlainSequence(plan([http()], { attachments: [{ name: 'a.csv', text: 'a\n1\n' }], feeders: [{ name: 'f', attachment: 'a.csv' }] }))).toBe(false);
  });
});

describe('a secret variable', () => {
  it('is sent with its value: only the API masks it', () => {
    const text = render(
      { method: 'POST', url: '/login', body: { json: { password: '${password}' } } },
      { variables: { password: { value: 's3cr3t', secret: true } } },
    );
    expect(text).toContain('{"password":"s3cr3t"}');
  });
});
