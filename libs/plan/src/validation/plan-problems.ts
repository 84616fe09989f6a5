import { query } from 'jsonpath-rfc9535';
import { formatPath, VARIABLE_NAME, walkFlow } from '@loadtest/protocol';
import { feederFormat, FeederDataError, readFeederData } from '../feeders/feeder-data.js';
import { scanTemplate } from '../template/template.js';

/** A path into the plan, the way zod gives it: `['steps', 2, 'extract', 0, 'jsonPath']`. */
export type PlanPath = (string | number)[];

/** A problem zod's shapes cannot see: it needs the whole plan (names, references, attachments) or a parser. */
export interface PlanProblem {
  path: PlanPath;
  message: string;
}

type Loose = Record<string, unknown>;

const isRecord = (value: unknown): value is Loose => value !== null && typeof value === 'object' && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const entries = (value: unknown): [string, unknown][] => (isRecord(value) ? Object.entries(value) : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Why a JSONPath (RFC 9535, as workers evaluate it) is invalid, or undefined. */
export function jsonPathProblem(path: string): string | undefined {
  try {
    query({}, path);
    return undefined;
  } catch (error) {
    const e = error as Error & { location?: { start?: { column?: number } } };
    const column = e.location?.start?.column;
    // The parser lists every token it would take; whitespace is always one of them and says nothing.
    const reason = e.message.replace(/,? or \[\\t-\\n\\r \]/, '').replace(/\.$/, '');
    return `invalid JSONPath "${path}": ${column === undefined ? '' : `at character ${column}, `}${lowerFirst(reason)}`;
  }
}

/** Why a regular expression (JavaScript syntax, compiled without flags, as workers do) does not compile, or undefined. */
export function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    // "Invalid regular expression: /(/: Unterminated group"
    const message = (error as Error).message;
    return `invalid regular expression "${source}": ${lowerFirst(message.slice(message.lastIndexOf(': ') + 2))}`;
  }
}

/** How many capture groups a valid regular expression has. */
function captureGroups(source: string): number {
  return new RegExp(`${source}|`).exec('')!.length - 1;
}

const URL_RULE = 'must start with "/" or be an absolute http(s) URL';

/** A step's URL: a path under the base URL, or an absolute http(s) URL (whose parts may be `${…}`). */
function urlProblem(url: string): string | undefined {
  if (url.startsWith('/')) return undefined;
  if (!/^https?:\/\//i.test(url)) return URL_RULE;
  if (!/^https?:\/\/[^/?#\s]/i.test(url)) return `${URL_RULE}: "${url}" has no host`;
  if (!url.includes('${') && !URL.canParse(url)) return `${URL_RULE}: "${url}" is not a valid URL`;
  return undefined;
}

/** RFC 9110 token characters: what a header's name may hold. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The steps of a flow with their paths, depth first, whatever their shape (the plan may hold other errors). */
const flow = (steps: unknown, at: PlanPath): Generator<{ step: Loose; path: PlanPath }> => walkFlow(steps, at);

/** Every string value inside a JSON body, with its path (iterative: a body may nest deeply). */
function jsonStrings(root: unknown, at: PlanPath): [PlanPath, string][] {
  const out: [PlanPath, string][] = [];
  const stack: [PlanPath, unknown][] = [[at, root]];
  while (stack.length > 0) {
    const [path, value] = stack.pop()!;
    if (typeof value === 'string') out.push([path, value]);
    else if (Array.isArray(value)) value.forEach((v, i) => stack.push([[...path, i], v]));
    else if (isRecord(value)) Object.entries(value).forEach(([k, v]) => stack.push([[...path, k], v]));
  }
  return out.reverse();
}

/** At most this many names are listed after "defined:". */
const LISTED_NAMES = 30;

function namesList(names: Iterable<string>): string {
  const sorted = [...new Set(names)].sort();
  if (sorted.length === 0) return 'none are defined';
  const shown = sorted.slice(0, LISTED_NAMES).join(', ');
  return `defined: ${shown}${sorted.length > LISTED_NAMES ? `, and ${sorted.length - LISTED_NAMES} more` : ''}`;
}

/**
 * Everything about a plan that its fields' shapes do not tell, every problem
 * at once, each with the path of the field to change:
 * - JSONPaths (extract, check) parse as RFC 9535; regular expressions (extract
 *   `regex`, check `matches`) compile, and an extract's `group` exists;
 * - every `${…}` (URL, query, headers, body text, form, JSON strings) is
 *   well-formed and names a plan variable, an extracted variable (from any
 *   step: order is not checked) or a feeder's column; a condition's variable
 *   is a plan or extracted variable;
 * - URLs start with `/` or are absolute http(s) URLs; header names are tokens
 *   and their values hold no line break;
 * - HTTP step names are unique across the flow (they name metrics);
 * - attachment names are unique; `body.file` and feeders name one; a feeder's
 *   format is known and its rows readable; feeder names are unique and are
 *   not also variables.
 *
 * The plan may be partly invalid (zod reports those fields): anything not of
 * the expected shape is skipped here.
 */
export function planProblems(plan: unknown): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const report = (path: PlanPath, message: string) => problems.push({ path, message });
  if (!isRecord(plan)) return problems;

  const attachments = new Map<string, { index: number; attachment: Loose }>();
  for (const [i, attachment] of list(plan.attachments).entries()) {
    const name = isRecord(attachment) ? text(attachment.name)?.trim() : undefined;
    if (!name || !isRecord(attachment)) continue;
    const first = attachments.get(name);
    if (first) report(['attachments', i, 'name'], `duplicate attachment name "${name}" (also used by attachments[${first.index}])`);
    else attachments.set(name, { index: i, attachment });
  }
  const noAttachment = (name: string) =>
    `no attachment named "${name}" (${attachments.size === 0 ? 'the plan has no attachments' : `attachments: ${[...attachments.keys()].join(', ')}`})`;

  const steps = [...flow(plan.steps, ['steps'])];
  const planVariables = new Set(entries(plan.variables).map(([name]) => name));
  const extracted = new Map<string, PlanPath>();
  for (const { step, path } of steps) {
    if (step.kind !== 'http') continue;
    for (const [j, extract] of list(step.extract).entries()) {
      const name = isRecord(extract) ? text(extract.var) : undefined;
      if (name && VARIABLE_NAME.test(name) && !extracted.has(name)) extracted.set(name, [...path, 'extract', j, 'var']);
    }
  }
  const variables = new Set([...planVariables, ...extracted.keys()]);

  /** Feeders by name, with their columns; undefined columns: the rows could not be read (reported), so references are not checked. */
  const feeders = new Map<string, { index: number; columns: string[] | undefined }>();
  for (const [i, feeder] of list(plan.feeders).entries()) {
    if (!isRecord(feeder)) continue;
    const path: PlanPath = ['feeders', i];
    let columns: string[] | undefined;
    const attachmentName = text(feeder.attachment);
    if (attachmentName) {
      const found = attachments.get(attachmentName);
      const format = feederFormat({ format: feeder.format === 'csv' || feeder.format === 'json' ? feeder.format : undefined, attachment: attachmentName });
      if (!found) report([...path, 'attachment'], noAttachment(attachmentName));
      else if (!format && feeder.format === undefined)
        report([...path, 'format'], `required: the attachment's name "${attachmentName}" ends in neither .csv nor .json (give csv or json)`);
      else if (format && (typeof found.attachment.text === 'string' || typeof found.attachment.base64 === 'string')) {
        try {
          columns = readFeederData({ name: attachmentName, text: text(found.attachment.text), base64: text(found.attachment.base64) }, format).columns;
        } catch (error) {
          if (!(error instanceof FeederDataError)) throw error;
          report([...path, 'attachment'], error.message);
        }
      }
    }
    const name = text(feeder.name);
    if (!name || !VARIABLE_NAME.test(name)) continue;
    const first = feeders.get(name);
    if (first) {
      report([...path, 'name'], `duplicate feeder name "${name}" (also used by feeders[${first.index}])`);
      continue;
    }
    if (planVariables.has(name)) report([...path, 'name'], `feeder name "${name}" is also a variable (variables.${name}): rename one`);
    else if (extracted.has(name)) report([...path, 'name'], `feeder name "${name}" is also a variable (${formatPath(extracted.get(name)!)}): rename one`);
    feeders.set(name, { index: i, columns });
  }

  const defined = [...variables, ...[...feeders].flatMap(([name, { columns }]) => (columns ?? []).map((column) => `${name}.${column}`))];
  const checkTemplate = (path: PlanPath, value: unknown) => {
    if (typeof value !== 'string' || !value.includes('${')) return;
    const { parts, problems: syntax } = scanTemplate(value);
    for (const problem of syntax) report(path, problem.message);
    const seen = new Set<string>();
    for (const part of parts) {
      if (part.kind !== 'variable' || seen.has(part.name)) continue;
      seen.add(part.name);
      if (
        part.feeder === undefined ? variables.has(part.name) : feeders.has(part.feeder) && (feeders.get(part.feeder)!.columns?.includes(part.column!) ?? true)
      )
        continue;
      const hint = part.feeder === undefined && feeders.has(part.name) ? `${part.name} is a feeder: write \${${part.name}.column}; ` : '';
      report(path, `unknown variable "\${${part.name}}" (${hint}${namesList(defined)})`);
    }
  };
  const checkHeaders = (at: PlanPath, headers: unknown) => {
    for (const [name, value] of entries(headers)) {
      if (name !== '' && !HEADER_NAME.test(name)) report([...at, name], `invalid header name "${name}": letters, digits and !#$%&'*+-.^_\`|~ only`);
      if (typeof value === 'string' && /[\r\n\0]/.test(value)) report([...at, name], 'must not hold a line break');
      checkTemplate([...at, name], value);
    }
  };
  const checkRegex = (path: PlanPath, source: unknown) => {
    const problem = typeof source === 'string' ? regexProblem(source) : undefined;
    if (problem) report(path, problem);
    return typeof source === 'string' && !problem;
  };
  const checkJsonPath = (path: PlanPath, value: unknown) => {
    const problem = typeof value === 'string' && value !== '' ? jsonPathProblem(value) : undefined;
    if (problem) report(path, problem);
  };

  checkHeaders(['headers'], plan.headers);

  const stepNames = new Map<string, PlanPath>();
  for (const { step, path } of steps) {
    if (step.kind === 'if') {
      const condition = step.condition;
      const variable = isRecord(condition) && condition.on === 'variable' ? text(condition.variable) : undefined;
      if (variable && VARIABLE_NAME.test(variable) && !variables.has(variable))
        report([...path, 'condition', 'variable'], `unknown variable "${variable}" (${namesList(variables)})`);
      continue;
    }
    if (step.kind !== 'http') continue;

    const name = text(step.name)?.trim();
    if (name) {
      const first = stepNames.get(name);
      if (first) report([...path, 'name'], `duplicate step name "${name}" (also used by ${formatPath(first)})`);
      else stepNames.set(name, path);
    }

    const url = text(step.url);
    if (url) {
      const problem = urlProblem(url);
      if (problem) report([...path, 'url'], problem);
      checkTemplate([...path, 'url'], url);
    }
    for (const [key, value] of entries(step.query)) checkTemplate([...path, 'query', key], value);
    checkHeaders([...path, 'headers'], step.headers);

    const body = step.body;
    if (isRecord(body)) {
      checkTemplate([...path, 'body', 'text'], body.text);
      for (const [key, value] of entries(body.form)) checkTemplate([...path, 'body', 'form', key], value);
      if (body.json !== undefined) for (const [at, value] of jsonStrings(body.json, [...path, 'body', 'json'])) checkTemplate(at, value);
      const file = text(body.file);
      if (file && !attachments.has(file)) report([...path, 'body', 'file'], noAttachment(file));
    }

    for (const [j, extract] of list(step.extract).entries()) {
      if (!isRecord(extract)) continue;
      const at = [...path, 'extract', j];
      checkJsonPath([...at, 'jsonPath'], extract.jsonPath);
      if (typeof extract.regex === 'string' && extract.regex !== '' && checkRegex([...at, 'regex'], extract.regex)) {
        const groups = captureGroups(extract.regex);
        if (extract.group === undefined && groups === 0)
          report([...at, 'regex'], 'has no capture group to extract (group 1 by default): add one, e.g. "id=(\\w+)", or set group: 0 for the whole match');
        else if (typeof extract.group === 'number' && extract.group > groups)
          report(
            [...at, 'group'],
            `the regular expression has ${groups === 0 ? 'no capture group' : groups === 1 ? 'only 1 capture group' : `only ${groups} capture groups`}`,
          );
      }
    }
    for (const [j, check] of list(step.checks).entries()) {
      if (!isRecord(check)) continue;
      checkJsonPath([...path, 'checks', j, 'jsonPath'], check.jsonPath);
      checkRegex([...path, 'checks', j, 'matches'], check.matches);
    }
  }
  return problems;
}
