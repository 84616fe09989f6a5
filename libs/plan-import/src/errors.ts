import { fieldIssues, type FieldIssue } from '@loadtest/protocol';
import type { z } from 'zod';

/**
 * An input that cannot become a plan. `issues` names each problem and where it is:
 * a field path for JSON inputs (`log.entries[2].request.url`, `nodes[3].data.url`),
 * `command N` for curl command lines, or a path in the converted plan (`steps[4].name`).
 */
export class PlanImportError extends Error {
  constructor(
    message: string,
    readonly issues: FieldIssue[],
  ) {
    super(message);
    this.name = 'PlanImportError';
  }

  static fromIssues(what: string, issues: FieldIssue[]): PlanImportError {
    return new PlanImportError(`${what}: ${describe(issues)}`, issues);
  }

  static fromZod(what: string, error: z.ZodError, prefix = ''): PlanImportError {
    const issues = fieldIssues(error).map((issue) => ({ path: joinPath(prefix, issue.path), message: issue.message }));
    return PlanImportError.fromIssues(what, issues);
  }
}

/** One line naming every problem: `path: message; path: message`. */
export function describe(issues: readonly FieldIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}

function joinPath(prefix: string, path: string): string {
  if (prefix === '') return path;
  if (path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}
