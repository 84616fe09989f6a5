import { RUN_STATES, type RunResource } from '@loadtest/protocol';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { usePlans, useRunList, type RunFilter } from '../api/queries.js';
import { useAllows } from '../auth/auth-context.js';
import { QueryState } from '../components/query-state.js';
import { StateBadge } from '../components/state-badge.js';
import { formatCount, formatLatency, formatTime } from '../format/figures.js';

const selectClass = 'rounded border border-gray-300 bg-transparent px-2 py-1 dark:border-gray-600';

/** Every run, newest first, a page at a time, filtered by plan, state and verdict; choose runs to compare. */
export function RunsPage() {
  const plans = usePlans();
  // A viewer reads runs; launching a run and editing a plan are an operator's.
  const operator = useAllows('operator');
  const [filter, setFilter] = useState<RunFilter>({});
  const planNames = new Map((plans.data?.items ?? []).map((plan) => [plan.id, plan.name]));
  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title" className="mb-4 text-xl font-semibold">
        Runs
      </h1>
      <div className="mb-4 flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor="runs-filter-plan">Plan</label>
        <select
          id="runs-filter-plan"
          className={selectClass}
          value={filter.planId ?? ''}
          onChange={(e) => setFilter({ ...filter, planId: e.target.value || undefined })}
        >
          <option value="">all plans</option>
          {(plans.data?.items ?? []).map((plan) => (
            <option key={plan.id} value={plan.id}>
              {plan.name}
            </option>
          ))}
        </select>
        <label htmlFor="runs-filter-state">State</label>
        <select
          id="runs-filter-state"
          className={selectClass}
          value={filter.state ?? ''}
          onChange={(e) => setFilter({ ...filter, state: (e.target.value || undefined) as RunFilter['state'] })}
        >
          <option value="">any</option>
          {RUN_STATES.map((state) => (
            <option key={state} value={state}>
              {state}
            </option>
          ))}
        </select>
        <label htmlFor="runs-filter-verdict">Verdict</label>
        <select
          id="runs-filter-verdict"
          className={selectClass}
          value={filter.verdict ?? ''}
          onChange={(e) => setFilter({ ...filter, verdict: (e.target.value || undefined) as RunFilter['verdict'] })}
        >
          <option value="">any</option>
          <option value="passed">passed</option>
          <option value="failed">failed</option>
        </select>
        {filter.planId && operator && (
          <>
            <Link to={`/plans/${filter.planId}/launch`} className="rounded bg-blue-700 px-3 py-1 font-medium text-white hover:bg-blue-800">
              Launch a run
            </Link>
            <Link to={`/plans/${filter.planId}/edit`} className="rounded border border-gray-300 px-3 py-1 dark:border-gray-600">
              Edit the plan
            </Link>
          </>
        )}
      </div>
      {plans.data && plans.data.items.length === 0 ? (
        operator ? (
          <p>
            No plan yet: <Link to="/plans/new">write one</Link>, or save one with POST /api/v1/plans (see the API docs at /api/docs).
          </p>
        ) : (
          <p>No plan yet.</p>
        )
      ) : (
        <RunTable filter={filter} planNames={planNames} />
      )}
    </section>
  );
}

function RunTable({ filter, planNames }: { filter: RunFilter; planNames: Map<string, string> }) {
  const runs = useRunList(filter);
  const navigate = useNavigate();
  const [chosen, setChosen] = useState<string[]>([]);
  const toggle = (id: string, on: boolean) => setChosen((ids) => (on ? [...ids, id] : ids.filter((x) => x !== id)));
  return (
    <QueryState isPending={runs.isPending} error={runs.error}>
      {() => {
        const items: RunResource[] = runs.data!.pages.flatMap((page) => page.items);
        if (items.length === 0) return <p>No run matches.</p>;
        return (
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
                  <th>Plan</th>
                  <th>Created</th>
                  <th>State</th>
                  <th>Verdict</th>
                  <th>Requests</th>
                  <th>p95</th>
                </tr>
              </thead>
              <tbody>
                {items.map((run) => (
                  <tr key={run.id} data-run={run.id} className="border-b border-gray-100 dark:border-gray-800">
                    <td className="py-1">
                      <input
                        type="checkbox"
                        aria-label={`Compare run ${run.id.slice(0, 8)}`}
                        checked={chosen.includes(run.id)}
                        onChange={(e) => toggle(run.id, e.target.checked)}
                      />
                    </td>
                    <td className="font-mono">
                      <Link to={`/runs/${run.id}`}>{run.id.slice(0, 8)}</Link>
                    </td>
                    <td>{run.planId ? (planNames.get(run.planId) ?? run.planId.slice(0, 8)) : '(deleted)'}</td>
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
            {runs.hasNextPage && (
              <button
                type="button"
                className="mt-2 rounded border border-gray-300 px-3 py-1 text-sm dark:border-gray-600"
                disabled={runs.isFetchingNextPage}
                onClick={() => void runs.fetchNextPage()}
              >
                Load more
              </button>
            )}
          </>
        );
      }}
    </QueryState>
  );
}
