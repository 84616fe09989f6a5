import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';

/** A segment of a path in a workflow: a key, or an index in a list. */
export type Segment = string | number;

/** A problem found in a workflow file, naming the file, the place (`jobs.test.runs-on`) and its line. */
export interface Problem {
  file: string;
  path: string;
  line: number;
  rule: string;
  message: string;
}

/** `jobs.test.steps[2].uses`: how a problem names a place. */
export function formatPath(path: readonly Segment[]): string {
  if (path.length === 0) return '(top)';
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

export const formatProblem = (p: Problem): string => `${p.file}:${p.line} ${p.path}: [${p.rule}] ${p.message}`;

/** One workflow file, parsed: its data for the checks, and its YAML document to find lines with. */
export interface Workflow {
  file: string;
  data: unknown;
  doc: Document;
  lines: LineCounter;
}

export function parseWorkflow(file: string, text: string): { workflow?: Workflow; problems: Problem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    return {
      problems: doc.errors.map((error) => ({
        file,
        path: '(yaml)',
        line: lines.linePos(error.pos[0]).line,
        rule: 'yaml',
        message: error.message.split('\n')[0]!,
      })),
    };
  return { workflow: { file, data: doc.toJS(), doc, lines }, problems: [] };
}

/**
 * The line of a place: of its key when it is a mapping's value (a job's line is that of `test:`, not of its first
 * key), of the item when in a list; with `key`, of that key in the mapping at `path` (an unknown key), or, when the
 * key is missing, of the mapping. A place that does not exist gets its nearest parent's line.
 */
export function lineOf(workflow: Workflow, path: readonly Segment[], key?: string): number {
  const full = key === undefined ? path : [...path, key];
  for (let depth = full.length; depth > 0; depth--) {
    const parent = workflow.doc.getIn(full.slice(0, depth - 1), true) as Node | undefined;
    const last = full[depth - 1]!;
    let node: Node | null | undefined;
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === last);
      node = pair ? (pair.key as Node) : undefined;
    } else if (isSeq(parent) && typeof last === 'number') {
      node = parent.items[last] as Node | undefined;
    }
    if (node?.range) return workflow.lines.linePos(node.range[0]).line;
  }
  return 1;
}

export function problemAt(workflow: Workflow, path: readonly Segment[], rule: string, message: string, key?: string): Problem {
  return { file: workflow.file, path: formatPath(key === undefined ? path : [...path, key]), line: lineOf(workflow, path, key), rule, message };
}
