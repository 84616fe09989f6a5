import { ApiError } from '../api/client.js';

/** A refused request, as the API put it: its status and message, and each field's issue for a 400. */
export function ApiErrorNote({ error }: { error: Error | null }) {
  if (!error) return null;
  const issues = error instanceof ApiError ? (error.body?.issues ?? []) : [];
  return (
    <div role="alert" className="text-sm text-red-700 dark:text-red-300">
      <p>{error instanceof ApiError ? `${error.status}: ${error.message}` : error.message}</p>
      {issues.length > 0 && (
        <ul className="list-disc pl-5">
          {issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              {issue.path ? <code>{issue.path}</code> : null}
              {issue.path ? ': ' : ''}
              {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
