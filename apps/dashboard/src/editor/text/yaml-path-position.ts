import { yamlLanguage } from '@codemirror/lang-yaml';
import type { PlanPath } from '../editor-issue.js';

/** A node of the YAML syntax tree (@lezer/common's, reached through the language the dashboard depends on). */
type SyntaxNode = ReturnType<typeof yamlLanguage.parser.parse>['topNode'];

/** Where a plan path's node is written in YAML text: character offsets, its 1-based line, and whether the whole path was found. */
export interface YamlPathPosition {
  from: number;
  to: number;
  line: number;
  /** False when the path's node is not written (a missing field): the position is its nearest written parent's. */
  exact: boolean;
}

/**
 * Finds the node a plan path names in YAML text (a mapping's key line,
 * `- ` item), with CodeMirror's own YAML parser so that it works on the text
 * as typed, even broken. A path that goes further than the text (a required
 * field left out, a key under an alias) falls back to the nearest parent that
 * is written; the root is the first line.
 */
export function yamlPathPosition(text: string, path: PlanPath): YamlPathPosition {
  return yamlPathLocator(text)(path);
}

/** {@link yamlPathPosition} for many paths of one text: the text is parsed once. */
export function yamlPathLocator(text: string): (path: PlanPath) => YamlPathPosition {
  const document = yamlLanguage.parser.parse(text).topNode.getChild('Document');
  return (path) => {
    let value: SyntaxNode | null = document ? valueOf(document) : null;
    // The node that marks the path so far: a key for a mapping's entry, the item for a list's.
    let marker: SyntaxNode | null = null;
    let found = 0;
    for (const key of path) {
      const child = value ? childAt(value, key, text) : null;
      if (!child) break;
      marker = child.marker;
      value = child.value;
      found++;
    }
    const at = marker ?? value ?? document;
    const from = at ? at.from : 0;
    const lineEnd = text.indexOf('\n', from);
    return { from, to: lineEnd < 0 ? text.length : lineEnd, line: lineOf(text, from), exact: found === path.length };
  };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The content node of a document, an item or a pair's value, past anchors and tags. */
function valueOf(node: SyntaxNode): SyntaxNode | null {
  let current: SyntaxNode | null = node;
  while (current && ['Document', 'Item', 'Tagged', 'Anchored'].includes(current.name)) {
    const content: SyntaxNode | null = lastContentChild(current);
    if (!content) return null;
    current = content;
  }
  return current;
}

/** The last child that is a node of the document (not punctuation, a tag or an anchor). */
function lastContentChild(node: SyntaxNode): SyntaxNode | null {
  let child = node.lastChild;
  while (child && !isContent(child)) child = child.prevSibling;
  return child;
}

const CONTENT = new Set([
  'BlockMapping',
  'BlockSequence',
  'FlowMapping',
  'FlowSequence',
  'Literal',
  'QuotedLiteral',
  'BlockLiteral',
  'Tagged',
  'Anchored',
  'Alias',
]);
const isContent = (node: SyntaxNode) => CONTENT.has(node.name);

function childAt(collection: SyntaxNode, key: string | number, text: string): { marker: SyntaxNode; value: SyntaxNode | null } | null {
  if (typeof key === 'number') {
    if (collection.name !== 'BlockSequence' && collection.name !== 'FlowSequence') return null;
    const item = collection.getChildren('Item')[key];
    return item ? { marker: item, value: valueOf(item) } : null;
  }
  if (collection.name !== 'BlockMapping' && collection.name !== 'FlowMapping') return null;
  for (const pair of collection.getChildren('Pair')) {
    const keyNode = pair.getChild('Key');
    if (!keyNode || keyText(keyNode, text) !== key) continue;
    const value = lastContentChild(pair);
    // A pair whose value is missing (`name:`) has only its key: the key is not its value.
    return { marker: keyNode, value: value && value.from >= keyNode.to ? valueOf(value) : null };
  }
  return null;
}

/** A key as the reader sees it: plain, 'single' (`''` is a quote) or "double" (JSON-like escapes). */
function keyText(keyNode: SyntaxNode, text: string): string {
  const raw = text.slice(keyNode.from, keyNode.to).trim();
  if (raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2) return raw.slice(1, -1).replaceAll("''", "'");
  if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  }
  return raw;
}
