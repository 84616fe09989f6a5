import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { usePlanRuns, usePlans } from '../api/queries.js';
import { QueryState } from '../components/query-state.js';
import { StateBadge } from '../components/state-badge.js';
import { formatCount, formatLatency, formatTime } from '../format/figures.js';

/** The runs of a plan, newest first, with what a reader looks for first: state, verdict, requests, p95. */
export function RunsPage() {
  const plans = usePlans();
  const [chosen, setChosen] = useState<string | null>(null);
  const planId = chosen ?? plans.data?.items[0]?.id ?? null;
  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title" className="mb-4 text-xl font-semibold">
        Runs
      </h1>
      <QueryState isPending={plans.isPending} error={plans.error}>
        {() =>
          plans.data!.items.length === 0 ? (
            <p>No plan yet: save one with POST /api/v1/plans (see the API docs at /api/docs).</p>
          ) : (
            <>
              <label className="mb-4 block text-sm">
                Plan{' '}
                <select
                  className="rounded border border-gray-300 bg-transparent px-2 py-1 dark:border-gray-600"
                  value={planId ?? ''}
                  onChange={(event) => setChosen(event.target.value)}
                >
                  {plans.data!.items.map((plan) => (
                    <option key={plan.id} value={plan.id}>
                      {plan.name}
                    </option>
                  ))}
                </select>
              </label>
              {planId && (
                <>
                  <Link to={`/plans/${planId}/launch`} className="mb-4 inline-block rounded bg-blue-700 px-3 py-1 text-sm font-medium text-white hover:bg-blue-800">
                    Launch a run
                  </Link>
                  <PlanRuns planId={planId} />
                </>
              )}
            </>
          )
        }
      </QueryState>
    </section>
  );
}

function PlanRuns({ planId }: { planId: string }) {
  const runs = usePlanRuns(planId);
  const navigate = useNavigate();
  const [chosen, setChosen] = useState<string[]>([]);
  const toggle = (id: string, on: boolean) => setChosen((ids) => (on ? [...ids, id] : ids.filter((x) => x !== id)));
  return (
    <QueryState isPending={runs.isPending} error={runs.error}>
      {() =>
        runs.data!.items.length === 0 ? (
          <p>This plan has not been run yet.</p>
        ) : (
          <>
          <button
            type="button"
            className="mb-2 rounded border border-gray-300 px-3 py-1 text-sm disabled:opacity-50 dark:border-gray-600"
            disabled={chosen.length < 2}
            onClick={() => void navigate(`/compare?runs=${chosen.join(',')}`)}
          >
            Compare selected ({chosen.length})
          </button>
          <table className="w-full text-left text-sm" data-testid="runs-table">
            <thead>
              <tr className="border-b border-gray-300 dark:border-gray-700">
                <th className="py-1">Compare</th>
                <th>Run</th>
                <th>Created</th>
                <th>State</th>
                <th>Verdict</th>
                <th>Requests</th>
                <th>p95</th>
              </tr>
            </thead>
            <tbody>
              {[...runs.data!.items]
                .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
                .map((run) => (
                  <tr key={run.id} data-run={run.id} className="border-b border-gray-100 dark:border-gray-800">
                    <td className="py-1">
                      <input type="checkbox" aria-label={`Compare run ${run.id.slice(0, 8)}`} checked={chosen.includes(run.id)} onChange={(e) => toggle(run.id, e.target.checked)} />
                    </td>
                    <td className="font-mono">
                      <Link to={`/runs/${run.id}`}>{run.id.slice(0, 8)}</Link>
                    </td>
                    <td>{formatTime(run.createdAt)}</td>
                    <td>
                      <StateBadge state={run.state} />
                    </td>
                    <td>
                      <StateBadge state={run.verdict} />
                    </td>
                    <td data-field="requests">{run.summary ? formatCount(run.summary.requests) : '–'}</td>
                    <td data-field="p95">{formatLatency(run.summary?.latencyMicros?.p95)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
          </>
        )
      }
    </QueryState>
  );
}
