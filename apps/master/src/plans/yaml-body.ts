import { parse, YAMLParseError } from 'yaml';
import { badRequest } from '../http/errors.js';

/** The media types read as YAML. */
export const YAML_CONTENT_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'] as const;

/**
 * Reads a YAML request body into the object a JSON body would give: YAML 1.2
 * (core schema: `no` is a string, no dates), one document, unique keys,
 * anchors and aliases, `<<` merge keys. A syntax error is a 400 naming its
 * line and column.
 */
export function parseYamlBody(text: string): unknown {
  let value: unknown;
  try {
    value = parse(text, { merge: true, maxAliasCount: 100 }) as unknown;
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const where = error instanceof YAMLParseError && error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : undefined;
    // The parser's message repeats the position and quotes the source after " at line …"; the position is given once, first.
    const reason =
      error instanceof YAMLParseError && error.code === 'MULTIPLE_DOCS'
        ? 'a plan is a single YAML document (remove the second "---")'
        : error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
    const message = where ? `${where}: ${reason}` : reason;
    throw badRequest(`invalid YAML body: ${message}`, [{ path: '', message }]);
  }
  if (isCyclic(value)) {
    const message = 'an alias must not refer to a node that holds it (`a: &x [*x]`): a plan is a tree';
    throw badRequest(`invalid YAML body: ${message}`, [{ path: '', message }]);
  }
  return value;
}

/** Whether a value holds itself (a YAML alias inside its own anchor): such a plan could be neither validated to its end nor stored as JSON. */
function isCyclic(root: unknown): boolean {
  // Depth first, keeping the nodes on the current path: an alias met twice side by side is no cycle.
  const onPath = new Set<object>();
  const stack: { node: object; children: unknown[] | undefined }[] = [];
  const enter = (value: unknown): boolean => {
    if (value === null || typeof value !== 'object') return false;
    if (onPath.has(value)) return true;
    onPath.add(value);
    stack.push({ node: value, children: undefined });
    return false;
  };
  if (enter(root)) return true;
  while (stack.length > 0) {
    const top = stack.at(-1)!;
    top.children ??= Object.values(top.node).reverse();
    if (top.children.length === 0) {
      onPath.delete(top.node);
      stack.pop();
    } else if (enter(top.children.pop())) {
      return true;
    }
  }
  return false;
}
