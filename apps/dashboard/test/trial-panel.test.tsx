import { describe, expect, it } from '@jest/globals';
import type { TrialResource } from '@loadtest/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderToStaticMarkup } from 'react-dom/server';
import { TrialPanel } from '../src/editor/trial/trial-panel.js';
import { TrialTraceView } from '../src/editor/trial/trial-trace.js';

const trial: TrialResource = {
  trialId: '0b8f5a2e-7c41-4d0a-9a57-3f1e2d4c5b60',
  workerId: 'local-1',
  durationMs: 12.4,
  eventsTruncated: false,
  failure: null,
  events: [
    {
      kind: 'request',
      step: 0,
      name: 'login',
      request: {
        method: 'POST',
        url: 'http://127.0.0.1:8080/login',
        headers: [{ name: 'content-type', value: 'application/json' }],
        bodyExcerpt: '{"user":"u"}',
        bodyTruncated: false,
        bodyBytes: 12,
      },
      response: {
        status: 200,
        headers: [{ name: 'content-type', value: 'application/json' }],
        bodyExcerpt: '{"token":"abc123"}',
        bodyTruncated: true,
        bodyBytes: 9000,
        latencyMs: 3.25,
      },
      error: null,
      extracted: [
        { var: 'token', value: 'abc123', defaulted: false },
        { var: 'gone', value: null, defaulted: false },
      ],
      checks: [{ description: 'status in [200]', passed: true }],
    },
    { kind: 'if', name: 'logged in?', condition: 'status equals 200', taken: 'then' },
    { kind: 'think', ms: 250 },
    {
      kind: 'request',
      step: 1,
      name: 'protected',
      request: {
        method: 'GET',
        url: 'http://127.0.0.1:8080/protected',
        headers: [{ name: 'Authorization', value: 'Bearer abc123' }],
        bodyExcerpt: '',
        bodyTruncated: false,
        bodyBytes: 0,
      },
      response: null,
      error: { kind: 'timeout', message: "no answer within the request's timeout (1000 ms)" },
      extracted: [],
      checks: [{ description: '$.ok equals true', passed: false }],
    },
  ],
};

describe('TrialPanel', () => {
  it('offers the button, and nothing else before it is pressed', () => {
    const client = new QueryClient();
    const html = renderToStaticMarkup(
      <QueryClientProvider client={client}>
        <TrialPanel plan={{ name: 'p' }} />
      </QueryClientProvider>,
    );
    expect(html).toContain('>Try one iteration</button>');
    expect(html).not.toContain('<details');
  });

  it('shows one row per request (method, URL, status, latency) that opens onto headers, bodies, extractions and checks', () => {
    const html = renderToStaticMarkup(<TrialTraceView trial={trial} />);
    expect(html.match(/<details/g)).toHaveLength(2);
    // The rows.
    expect(html).toContain('POST');
    expect(html).toContain('http://127.0.0.1:8080/login');
    expect(html).toContain('>200<');
    expect(html).toContain('3.3 ms');
    expect(html).toContain('>timeout<');
    // What each opens onto.
    expect(html).toContain('Bearer abc123');
    expect(html).toContain('{&quot;token&quot;:&quot;abc123&quot;}');
    expect(html).toContain('of 9000 bytes');
    expect(html).toContain('token = <span>&quot;abc123&quot;</span>');
    expect(html).toContain('missing (unset)');
    expect(html).toContain('✓ passed: status in [200]');
    expect(html).toContain('✗ failed: $.ok equals true');
    expect(html).toContain('no answer within the request&#x27;s timeout (1000 ms)');
    // Between the rows: the branch and the think.
    expect(html).toContain('status equals 200 → then');
    expect(html).toContain('think 250 ms');
    expect(html).toContain('2 requests in 12 ms on worker local-1');
  });

  it('shows why an iteration did not run', () => {
    const html = renderToStaticMarkup(<TrialTraceView trial={{ ...trial, events: [], failure: 'the plan is refused: steps[0].url: unknown variable' }} />);
    expect(html).toContain('the plan is refused: steps[0].url: unknown variable');
    expect(html).toContain('0 requests');
  });
});
