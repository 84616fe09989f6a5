import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** A place in the plan's text, 1-based, as editors count. */
export interface TextPosition {
  line: number;
  column: number;
}

/** Finds where a field of a plan (a zod/plan problem path) is written in its YAML or JSON text. */
export interface PositionLookup {
  /**
   * The position of the node at `path`; when the path goes where the text holds nothing (a missing field), the position
   * of the deepest node that exists on the way (the map that lacks the field). Undefined only if the text has no node at all.
   */
  at(path: readonly PropertyKey[]): TextPosition | undefined;
}

/** The child of `node` under `key`, resolving aliases; for a map, also the key's own node (to point at `name:` with no value). */
function child(node: Node, key: PropertyKey, doc: Document): { node: Node | null; keyNode?: Node } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
    if (!pair) return undefined;
    const value = pair.value as Node | null;
    // `name:` with nothing after it holds an empty scalar (its range is empty): there is no value to point at.
    const empty = !value || (isScalar(value) && value.range !== undefined && value.range !== null && value.range[0] === value.range[1]);
    if (empty) return { node: null, keyNode: pair.key as Node };
    return { node: isAlias(value) ? ((value.resolve(doc) as Node | undefined) ?? null) : value, keyNode: pair.key as Node };
  }
  if (isSeq(node) && typeof key === 'number') {
    const item = node.items[key] as Node | null | undefined;
    if (item === undefined) return undefined;
    return { node: item && isAlias(item) ? ((item.resolve(doc) as Node | undefined) ?? null) : item };
  }
  return undefined;
}

/**
 * A lookup over `text` (YAML 1.2 is a superset of JSON, so a JSON plan's positions come the same way). It parses the text
 * once more than `readPlanYaml` does, for its node ranges: only when there are problems to place.
 */
export function positionLookup(text: string): PositionLookup {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false, merge: true, logLevel: 'silent' });
  const position = (node: Node): TextPosition | undefined => {
    const offset = node.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return {
    at(path) {
      let node = doc.contents as Node | null;
      if (!node) return undefined;
      let best = position(node);
      for (const key of path) {
        const next = child(node, key, doc);
        if (!next) break;
        if (!next.node) {
          // `name:` with nothing after it: the key is where the author looks.
          if (next.keyNode) best = position(next.keyNode) ?? best;
          break;
        }
        node = next.node;
        best = position(node) ?? best;
      }
      return best;
    },
  };
}
