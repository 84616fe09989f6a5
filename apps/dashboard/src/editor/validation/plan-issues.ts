import { StoredPlanSchema } from '@loadtest/plan';
import { formatPlanPath, type EditorIssue } from '../editor-issue.js';
import { planVariables } from './plan-variables.js';

/**
 * Everything the editor tells about a draft: as errors, what the master would
 * refuse (its own schema, `StoredPlanSchema`, whose paths are the author's);
 * as warnings, a variable used but never set, and one extracted but never
 * used. The schema already refuses an unknown `${name}`: that warning is
 * given only where the schema said nothing of that name at that field.
 */
export function planIssues(plan: unknown): EditorIssue[] {
  const result = StoredPlanSchema.safeParse(plan);
  const errors: EditorIssue[] = result.success
    ? []
    : result.error.issues.map((issue) => ({
        // zod's paths are strings and numbers here; a symbol key cannot come from JSON or YAML.
        path: issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
        message: issue.message,
        severity: 'error',
      }));
  return [...errors, ...variableWarnings(plan, errors)];
}

function variableWarnings(plan: unknown, errors: readonly EditorIssue[]): EditorIssue[] {
  const { uses, definitions, feeders } = planVariables(plan);
  const defined = new Set(definitions.map((definition) => definition.name));
  const warnings: EditorIssue[] = [];
  const toldByTheSchema = (path: EditorIssue['path'], name: string) =>
    errors.some((error) => formatPlanPath(error.path) === formatPlanPath(path) && error.message.includes(name));

  for (const use of uses) {
    const set = use.feeder === undefined ? defined.has(use.name) : feeders.has(use.feeder);
    if (set || toldByTheSchema(use.path, use.name)) continue;
    const why = use.feeder === undefined ? 'not in variables, not extracted by any step, not a feeder column' : `no feeder is named "${use.feeder}"`;
    warnings.push({ path: use.path, message: `variable "${use.name}" is used but never set (${why})`, severity: 'warning' });
  }

  // The flow repeats (every iteration, and groups): a use anywhere in the plan may read what an extract set.
  const used = new Set(uses.filter((use) => use.feeder === undefined).map((use) => use.name));
  for (const definition of definitions)
    if (definition.source === 'extract' && !used.has(definition.name))
      warnings.push({ path: definition.path, message: `variable "${definition.name}" is extracted but never used`, severity: 'warning' });
  return warnings;
}
