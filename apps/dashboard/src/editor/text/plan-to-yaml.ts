/**
 * Writes a plan draft (any JSON value, as written) as YAML that `readPlanYaml`
 * reads back to the same value, keys in the same order: block style, two
 * spaces, short lists of scalars in flow style (`status: [200]`), multi-line
 * text as a literal block (`|`), no line ever folded.
 *
 * Written here rather than with the `yaml` package: the dashboard's `yaml`
 * resolves to the 1.x copy hoisted for other tools (the 2.x one the master
 * reads with is private to @loadtest/plan), and a JSON value needs only this.
 * Strings are quoted whenever there is a doubt, so that what the YAML 1.2 core
 * schema would read as another type (`"1"`, `"true"`, `"null"`) stays text.
 */
export function planToYaml(plan: unknown): string {
  if (isBlockCollection(plan)) return blockLines(plan, 0).join('\n') + '\n';
  return scalar(plan, 0) + '\n';
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A non-empty object or list: written as indented lines; anything else fits on its key's line. */
function isBlockCollection(value: unknown): value is JsonObject | unknown[] {
  if (Array.isArray(value)) return value.length > 0 && !isShortScalarList(value);
  return isObject(value) && Object.keys(value).length > 0;
}

/** The longest list of scalars still written on one line, as `[a, b]`. */
const FLOW_LIST_WIDTH = 60;

function isShortScalarList(list: unknown[]): boolean {
  if (!list.every((item) => item === null || ['number', 'boolean'].includes(typeof item) || (typeof item === 'string' && !/[\n\r]/.test(item)))) return false;
  return flowList(list).length <= FLOW_LIST_WIDTH;
}

function flowList(list: unknown[]): string {
  return `[${list.map((item) => (typeof item === 'string' ? flowString(item) : scalar(item, 0))).join(', ')}]`;
}

/** The lines of a non-empty object or list, each starting with `indent` spaces. */
function blockLines(value: JsonObject | unknown[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (!isBlockCollection(item)) return [`${pad}- ${scalar(item, indent + 2)}`];
      // A compact item: the child's first line goes after the dash (`- kind: http`), the rest stay under it.
      const lines = blockLines(item, indent + 2);
      return [`${pad}- ${lines[0]!.slice(indent + 2)}`, ...lines.slice(1)];
    });
  }
  return Object.entries(value).flatMap(([key, item]) => {
    const head = `${pad}${mappingKey(key)}:`;
    if (!isBlockCollection(item)) return [`${head} ${scalar(item, indent + 2)}`];
    // Lists under a key are indented too, as docs/plan-format.md writes them.
    return [head, ...blockLines(item, indent + 2)];
  });
}

/** A value on its key's or dash's line; a multi-line string's block continues at `indent`. */
function scalar(value: unknown, indent: number): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return number(value);
  if (typeof value === 'string') return string(value, indent);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : flowList(value);
  if (isObject(value)) return '{}';
  // bigint, function, symbol: not JSON; written as text so that the draft stays readable.
  return doubleQuoted(String(value));
}

function number(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/** What YAML 1.2's core schema (and, for people's other tools, YAML 1.1) would read as something other than this text. */
const NOT_TEXT = /^(?:~|null|true|false|yes|no|on|off|y|n|[-+]?\.(?:inf|nan)|\.nan)$/i;
const LOOKS_NUMERIC = /^[-+.]?[0-9]/;
/** Controls, and what YAML 1.1 readers take for line breaks or a byte-order mark: never written raw in a plain or single-quoted scalar. */
const isUnprintable = (code: number) => code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff;
const hasChar = (value: string, test: (code: number) => boolean) => [...value].some((c) => test(c.codePointAt(0)!));
const hasUnprintable = (value: string) => hasChar(value, isUnprintable);
/** What a block literal may not hold: the unprintable characters but line feed and tab. */
const hasLiteralUnsafe = (value: string) => hasChar(value, (code) => code !== 0x0a && code !== 0x09 && isUnprintable(code));

function string(value: string, indent: number): string {
  if (value.includes('\n') && !hasLiteralUnsafe(value) && /\S/.test(value)) return literalBlock(value, indent);
  return plainOrQuoted(value, isPlainValue(value));
}

function plainOrQuoted(value: string, plain: boolean): string {
  if (plain) return value;
  if (!hasUnprintable(value)) return `'${value.replaceAll("'", "''")}'`;
  return doubleQuoted(value);
}

/** Text that reads as itself unquoted, in a block mapping's value or a list item. */
function isPlainValue(value: string): boolean {
  return (
    value !== '' &&
    value.trim() === value &&
    !hasUnprintable(value) &&
    !NOT_TEXT.test(value) &&
    !LOOKS_NUMERIC.test(value) &&
    // Indicators that start something else: a sequence, a mapping, a flow collection, a comment, an anchor, a tag, a block scalar, a quote, a directive.
    !/^[-?:,[\]{}#&*!|>'"%@`]/.test(value) &&
    !value.includes(': ') &&
    !value.includes(' #') &&
    !value.endsWith(':')
  );
}

/** Keys are plain when they are simple names (`content-type`, `x-request-id`, `users.email`), else quoted. */
function mappingKey(key: string): string {
  return plainOrQuoted(key, isPlainValue(key) && !key.includes(':') && key !== '<<');
}

/** A string inside `[…]`: also free of the flow indicators. */
function flowString(value: string): string {
  return plainOrQuoted(value, isPlainValue(value) && !/[,[\]{}]/.test(value));
}

/** JSON's escapes are YAML double-quoted escapes; what JSON leaves raw but YAML 1.1 reads as a break is escaped too. */
function doubleQuoted(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Multi-line text as written: `|` keeps a single final line break, `|-` strips
 * none there, `|+` keeps several; an indentation indicator when the first line
 * starts with a space (else the reader would take that space for indentation).
 */
function literalBlock(value: string, indent: number): string {
  const trailing = /\n*$/.exec(value)![0].length;
  const chomping = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing === 0 ? value : value.slice(0, -trailing);
  const indicator = /^[ \n]/.test(body) ? '2' : '';
  const pad = ' '.repeat(indent);
  const lines = body.split('\n').map((line) => (line === '' ? '' : pad + line));
  // With `|+` the final breaks are content: each but the last one is an empty line of the block.
  const kept = trailing > 1 ? Array<string>(trailing - 1).fill('') : [];
  return [`|${indicator}${chomping}`, ...lines, ...kept].join('\n');
}
