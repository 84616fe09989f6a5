import type { z } from 'zod';

/**
 * What a stored string may hold:
 * - `line`: a name, a URL, an identifier: no control character at all (C0: U+0000–U+001F, and DEL U+007F);
 * - `text`: free text over lines: tab, line feed and carriage return, and no other control character;
 * - `data`: content passed on as it is (a JSON body): anything PostgreSQL can store, so NUL only is refused.
 *
 * Every kind refuses NUL (PostgreSQL's text and jsonb cannot hold U+0000) and a
 * lone UTF-16 surrogate (jsonb refuses it; text would silently store U+FFFD).
 */
export type TextKind = 'line' | 'text' | 'data';

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

function refused(code: number, kind: TextKind): boolean {
  if (code === 0) return true;
  if (kind === 'data') return false;
  if (code === 0x7f) return true;
  if (code >= 0x20) return false;
  return kind === 'line' || !(code === 0x09 || code === 0x0a || code === 0x0d);
}

/** Why a string cannot be stored as `kind` (`must not contain control characters (U+0000 at 3)`: the first one, its UTF-16 index), or undefined. */
export function storedTextProblem(value: string, kind: TextKind): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      if (refused(code, kind)) return `must not contain control characters (${hex(code)} at ${i})`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      const pair = code <= 0xdbff && i + 1 < value.length && value.charCodeAt(i + 1) >= 0xdc00 && value.charCodeAt(i + 1) <= 0xdfff;
      if (!pair) return `must not contain a lone surrogate (${hex(code)} at ${i})`;
      i++;
    }
  }
  return undefined;
}

/** A zod refinement of one stored string field: `z.string().superRefine(storedText('line'))`. */
export function storedText(kind: TextKind): (value: string, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    const problem = storedTextProblem(value, kind);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  };
}

/** A path into a JSON value: `['steps', 2, 'headers', 'Accept']`. */
export type TextPath = (string | number)[];

/** Tells the kind of the string at `path`: a value, or (`key` true) the key that ends the path. */
export type TextKindAt = (path: TextPath, key: boolean) => TextKind;

export interface StoredTextProblem {
  path: TextPath;
  message: string;
}

/**
 * How deep a stored JSON value may nest (PostgreSQL's jsonb parser runs out of
 * stack some thousands of levels down; a plan needs a few dozen at most).
 */
export const MAX_STORED_DEPTH = 128;

/** Whether a JSON value nests arrays or objects more than `limit` levels deep (iterative: it may nest far deeper than the stack allows). */
export function nestsDeeperThan(root: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Every string of a JSON value (object keys too) that cannot be stored as the
 * kind `kindAt` gives it, with its path; one problem per string; and a value
 * nested deeper than {@link MAX_STORED_DEPTH}. Iterative, as a body may nest
 * deeply.
 */
export function storedTextProblems(root: unknown, kindAt: TextKindAt): StoredTextProblem[] {
  const problems: StoredTextProblem[] = [];
  // `keyed`: the path ends with an object's key, checked when its value is reached (so problems come in document order).
  const stack: [TextPath, unknown, boolean][] = [[[], root, false]];
  // A value reached again (a YAML alias) was walked already; a cycle would never end.
  const seen = new WeakSet<object>();
  while (stack.length > 0) {
    const [path, value, keyed] = stack.pop()!;
    if (keyed) {
      const key = path.at(-1) as string;
      const problem = storedTextProblem(key, kindAt(path, true));
      if (problem) {
        problems.push({ path, message: `key ${JSON.stringify(key)}: ${problem}` });
        continue;
      }
    }
    if (typeof value === 'string') {
      const problem = storedTextProblem(value, kindAt(path, false));
      if (problem) problems.push({ path, message: problem });
    } else if (value !== null && typeof value === 'object') {
      if (seen.has(value)) continue;
      seen.add(value);
    }
    if (value !== null && typeof value === 'object' && path.length >= MAX_STORED_DEPTH) {
      problems.push({ path, message: `nests deeper than ${MAX_STORED_DEPTH} levels` });
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([[...path, i], value[i], false]);
    } else if (value !== null && typeof value === 'object') {
      const children = Object.entries(value);
      for (let i = children.length - 1; i >= 0; i--) stack.push([[...path, children[i]![0]], children[i]![1], true]);
    }
  }
  return problems;
}

/** A zod refinement of a whole body: every string in it, by the kind `kindAt` gives it (by default one line). */
export function storedTextEverywhere(kindAt: TextKindAt = () => 'line'): (value: unknown, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    for (const problem of storedTextProblems(value, kindAt)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, input: value });
  };
}
