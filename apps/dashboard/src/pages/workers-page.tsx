import { useWorkers } from '../api/queries.js';
import { QueryState } from '../components/query-state.js';
import { StateBadge } from '../components/state-badge.js';
import { formatTime } from '../format/figures.js';
import { useWorkerEvents } from '../live/use-live.js';

/** Every worker the master knows, kept current by the `worker:state` events. */
export function WorkersPage() {
  useWorkerEvents();
  const workers = useWorkers();
  return (
    <section aria-labelledby="workers-title">
      <h1 id="workers-title" className="mb-4 text-xl font-semibold">
        Workers
      </h1>
      <QueryState isPending={workers.isPending} error={workers.error}>
        {() =>
          workers.data!.items.length === 0 ? (
            <p>No worker has said hello yet. Start one with `npm start -w @loadtest/worker` (see the README).</p>
          ) : (
            <table className="w-full text-left text-sm" data-testid="workers-table">
              <thead>
                <tr className="border-b border-gray-300 dark:border-gray-700">
                  <th className="py-1">Worker</th>
                  <th>Host</th>
                  <th>State</th>
                  <th>Cores</th>
                  <th>Max connections</th>
                  <th>Clock offset</th>
                  <th>Run</th>
                  <th>Last seen</th>
                </tr>
              </thead>
              <tbody>
                {workers.data!.items.map((worker) => (
                  <tr key={worker.id} data-worker={worker.id} className="border-b border-gray-100 dark:border-gray-800">
                    <td className="py-1 font-mono">{worker.id}</td>
                    <td>{worker.host ?? '–'}</td>
                    <td data-field="state">
                      <StateBadge state={worker.state} />
                    </td>
                    <td>{worker.capabilities?.cores ?? '–'}</td>
                    <td>{worker.capabilities?.maxConnections ?? '–'}</td>
                    <td>{worker.clockOffsetMs === null ? '–' : `${worker.clockOffsetMs.toFixed(1)} ms`}</td>
                    <td className="font-mono">{worker.runId ? <a href={`/runs/${worker.runId}`}>{worker.runId.slice(0, 8)}</a> : '–'}</td>
                    <td>{formatTime(worker.lastSeenAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
    </section>
  );
}
