import type { ImportProblem } from './import-problems.js';

/** An import's problems, each with its field in what was sent, announced when shown. */
export function ImportProblemList({ problems, source }: { problems: readonly ImportProblem[]; source: string }) {
  return (
    <ul role="alert" className="space-y-0.5 text-xs text-red-700 dark:text-red-300" data-import-problems={source}>
      {problems.map((problem, i) => (
        <li key={i} data-error-for={problem.field}>
          {problem.field && <code>{problem.field}</code>}
          {problem.field && ': '}
          {problem.message}
        </li>
      ))}
    </ul>
  );
}
