import { parse, YAMLParseError } from 'yaml';

/** Why plan text is not a plan's YAML, with where (1-based), when the parser knows. */
export class PlanYamlError extends Error {
  constructor(
    /** What is wrong, without the position. */
    readonly reason: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line === undefined ? reason : `line ${line}, column ${column}: ${reason}`);
    this.name = 'PlanYamlError';
  }
}

/**
 * Reads a plan written in YAML into the object its JSON would give: YAML 1.2
 * (core schema: `no` is a string, no dates), one document, unique keys,
 * anchors and aliases, `<<` merge keys. What the master takes as an
 * `application/yaml` body, and what the CLI and the editor read: one reader, so
 * that a plan means the same everywhere. Throws {@link PlanYamlError}.
 */
export function readPlanYaml(text: string): unknown {
  let value: unknown;
  try {
    // logLevel 'error': a warning (an unknown tag, read as its plain value) is not the process's to print; under
    // jest's module realm yaml's warning fails process.emitWarning's instanceof Error, which turned it into a 500.
    value = parse(text, { merge: true, maxAliasCount: 100, logLevel: 'error' }) as unknown;
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const position = error instanceof YAMLParseError ? error.linePos?.[0] : undefined;
    // The parser's message repeats the position and quotes the source after " at line …"; the position is given once, first.
    const reason =
      error instanceof YAMLParseError && error.code === 'MULTIPLE_DOCS'
        ? 'a plan is a single YAML document (remove the second "---")'
        : error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
    throw new PlanYamlError(reason, position?.line, position?.col);
  }
  if (isCyclic(value)) throw new PlanYamlError('an alias must not refer to a node that holds it (`a: &x [*x]`): a plan is a tree');
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
