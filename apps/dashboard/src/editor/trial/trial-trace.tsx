import type { ReactNode } from 'react';
import type { TrialHeader, TrialRequestEvent, TrialResource } from '@loadtest/protocol';

const PASSED = 'text-green-700 dark:text-green-400';
const FAILED = 'text-red-700 dark:text-red-400';

function statusClass(status: number | undefined): string {
  if (status === undefined) return FAILED;
  return status >= 400 ? FAILED : status >= 300 ? 'text-amber-700 dark:text-amber-400' : PASSED;
}

function Headers({ headers }: { headers: TrialHeader[] }) {
  if (headers.length === 0) return <p className="text-xs text-gray-500">no headers</p>;
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-3 font-mono text-xs">
      {headers.map((h, i) => (
        <div key={i} className="contents">
          <dt className="text-gray-500">{h.name}</dt>
          <dd className="break-all">{h.value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Body({ excerpt, truncated, bytes }: { excerpt: string; truncated: boolean; bytes: number }) {
  if (bytes === 0) return <p className="text-xs text-gray-500">no body</p>;
  return (
    <div>
      <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-gray-50 p-2 font-mono text-xs dark:bg-gray-900">{excerpt}</pre>
      {truncated && (
        <p className="text-xs text-gray-500">
          first {excerpt.length} characters of {bytes} bytes
        </p>
      )}
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-1">
      <h4 className="text-xs font-semibold uppercase text-gray-500">{title}</h4>
      {children}
    </section>
  );
}

/** One HTTP step: a row (method, URL, status, latency) that opens onto the request, the response, the extractions and the checks. */
function RequestRow({ event }: { event: TrialRequestEvent }) {
  const { request, response, error } = event;
  const failedChecks = event.checks.filter((c) => !c.passed).length;
  return (
    <details className="rounded border border-gray-200 dark:border-gray-700" data-step={event.step}>
      <summary className="flex cursor-pointer flex-wrap items-baseline gap-3 px-3 py-2 text-sm">
        <span className="font-medium">{event.name}</span>
        <span className="font-mono">{request?.method ?? '–'}</span>
        <span className="min-w-0 flex-1 truncate font-mono text-xs" title={request?.url}>
          {request?.url ?? 'not sent'}
        </span>
        <span className={`font-mono ${statusClass(response?.status)}`}>{response ? response.status : (error?.kind ?? 'no answer')}</span>
        <span className="font-mono text-xs text-gray-500">{response ? `${response.latencyMs.toFixed(1)} ms` : ''}</span>
        {event.checks.length > 0 && (
          <span className={`text-xs ${failedChecks > 0 ? FAILED : PASSED}`}>
            {event.checks.length - failedChecks}/{event.checks.length} checks
          </span>
        )}
      </summary>
      <div className="space-y-3 border-t border-gray-200 px-3 py-2 dark:border-gray-700">
        {error && <p className={`text-sm ${FAILED}`}>{`${error.kind}: ${error.message}`}</p>}
        {request && (
          <Section title="Request">
            <Headers headers={request.headers} />
            <Body excerpt={request.bodyExcerpt} truncated={request.bodyTruncated} bytes={request.bodyBytes} />
          </Section>
        )}
        {response && (
          <Section title={`Response ${response.status}, ${response.bodyBytes} bytes`}>
            <Headers headers={response.headers} />
            <Body excerpt={response.bodyExcerpt} truncated={response.bodyTruncated} bytes={response.bodyBytes} />
          </Section>
        )}
        {event.extracted.length > 0 && (
          <Section title="Extracted">
            <ul className="font-mono text-xs">
              {event.extracted.map((x, i) => (
                <li key={i}>
                  {x.var} = {x.value === null ? <span className={FAILED}>missing (unset)</span> : <span>{JSON.stringify(x.value)}</span>}
                  {x.defaulted && <span className="text-gray-500"> (default)</span>}
                </li>
              ))}
            </ul>
          </Section>
        )}
        {event.checks.length > 0 && (
          <Section title="Checks">
            <ul className="text-xs">
              {event.checks.map((c, i) => (
                <li key={i} className={c.passed ? PASSED : FAILED}>
                  {c.passed ? '✓ passed' : '✗ failed'}: {c.description}
                </li>
              ))}
            </ul>
          </Section>
        )}
      </div>
    </details>
  );
}

/** The trace of a tried iteration, in order: each request as a row to open, thinks and `if` branches as lines between them. */
export function TrialTraceView({ trial }: { trial: TrialResource }) {
  const requests = trial.events.filter((e) => e.kind === 'request').length;
  return (
    <div className="space-y-2">
      <p className="text-sm text-gray-600 dark:text-gray-400">
        {requests} {requests === 1 ? 'request' : 'requests'} in {Math.round(trial.durationMs)} ms on worker {trial.workerId}
      </p>
      {trial.failure && <p className={`text-sm ${FAILED}`}>{trial.failure}</p>}
      <ol className="space-y-1">
        {trial.events.map((event, i) => (
          <li key={i}>
            {event.kind === 'request' ? (
              <RequestRow event={event} />
            ) : event.kind === 'think' ? (
              <p className="px-3 text-xs text-gray-500">think {Math.round(event.ms)} ms</p>
            ) : (
              <p className="px-3 text-xs text-gray-500">
                if {event.name ? `${event.name}: ` : ''}
                {event.condition} → {event.taken}
              </p>
            )}
          </li>
        ))}
      </ol>
      {trial.eventsTruncated && <p className="text-xs text-gray-500">The iteration went on; the trace stops at {trial.events.length} events.</p>}
    </div>
  );
}
