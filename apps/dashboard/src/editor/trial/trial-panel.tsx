import { useMutation } from '@tanstack/react-query';
import { ApiError } from '../../api/client.js';
import { tryIteration } from '../../api/trials.js';
import { TrialTraceView } from './trial-trace.js';

/**
 * "Try one iteration": runs the plan as it stands in the editor (saved or not)
 * once, with one virtual user on one worker, through the path a run takes, and
 * shows each request and response. The requests do reach the target.
 */
export function TrialPanel({ plan }: { plan: unknown }) {
  const trial = useMutation({ mutationFn: () => tryIteration(plan) });
  const error = trial.error;
  return (
    <section className="space-y-3" aria-labelledby="trial-title">
      <div className="flex items-center gap-3">
        <h2 id="trial-title" className="text-base font-semibold">
          One iteration
        </h2>
        <button
          type="button"
          className="rounded bg-blue-600 px-3 py-1 text-sm text-white disabled:opacity-50"
          disabled={trial.isPending}
          onClick={() => trial.mutate()}
        >
          {trial.isPending ? 'Running…' : 'Try one iteration'}
        </button>
        <span className="text-xs text-gray-500">sends real requests to the plan’s base URL</span>
      </div>
      {error && (
        <div role="alert" className="text-sm text-red-700 dark:text-red-400">
          <p>{error.message}</p>
          {error instanceof ApiError && (error.body?.issues?.length ?? 0) > 0 && (
            <ul className="list-disc pl-5 text-xs">
              {error.body!.issues!.map((issue, i) => (
                <li key={i}>
                  <code>{issue.path}</code>: {issue.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {trial.data && <TrialTraceView trial={trial.data} />}
    </section>
  );
}
