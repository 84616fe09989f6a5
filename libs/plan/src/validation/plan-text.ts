import type { TextKind, TextPath } from '@loadtest/protocol';

/** Fields of a step (or of the plan) whose values are free text over lines: bodies, data, patterns. */
const FREE_TEXT_FIELDS = new Set(['text', 'default', 'bodyContains', 'matches', 'regex']);
/** Records whose values are free text: `variables.token`, a step's `query.q`, a form's fields, header values (their line breaks are refused by planProblems). */
const FREE_TEXT_RECORDS = new Set(['variables', 'query', 'form', 'headers']);

/**
 * The kind of each string of a plan as written (v1, or `requests` before it),
 * for {@link storedTextProblems}: what a request sends as it is (a JSON body,
 * a check's `equals`) is `data`; bodies, attachments' text, variables' values,
 * header, query and form values and patterns are `text`; everything else (names,
 * URLs, keys, identifiers) is one `line`.
 */
export function planTextKind(path: TextPath, key: boolean): TextKind {
  for (let i = 1; i < path.length; i++) {
    // Under a JSON body or an `equals`, keys included (the key `json` or `equals` itself is a field name, one line).
    const under = (path[i] === 'json' && path[i - 1] === 'body') || (path[i] === 'equals' && typeof path[i - 1] === 'number' && path[i - 2] === 'checks');
    if (under) return key && i === path.length - 1 ? 'line' : 'data';
  }
  // A bare body of a plan written before v1 (`requests[0].body: { … }`), its keys and what is under them.
  if (path[0] === 'requests' && path[2] === 'body' && path.length > 3 && !['json', 'form', 'text', 'file'].includes(String(path[3]))) return 'data';
  if (key) return 'line';
  const last = path.at(-1);
  const parent = path.at(-2);
  if (typeof last === 'string' && FREE_TEXT_FIELDS.has(last)) return 'text';
  if (typeof parent === 'string' && FREE_TEXT_RECORDS.has(parent)) return 'text';
  // A variable written long: `variables.password.value`.
  if (path.length === 3 && path[0] === 'variables' && last === 'value') return 'text';
  // `requests[0].body: "raw text"`
  if (path.length === 3 && path[0] === 'requests' && last === 'body') return 'text';
  if (last === 'value' && parent === 'condition') return 'text';
  return 'line';
}
