import { fieldIssues, mapFlow, MAX_STORED_DEPTH, nestsDeeperThan, type HttpStep, type Plan, type RequestBody, type Step } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { PlanImportError } from './errors.js';

/** Longest step name a plan takes. */
const MAX_NAME = 200;
/** Most steps in one list of a plan. */
export const MAX_STEPS = 200;

/**
 * Request headers an import leaves out, because the load generator sets them
 * itself or because they only make sense on the connection they were recorded on:
 * - HTTP/2 and HTTP/3 pseudo-headers (any name starting with `:`, e.g. `:authority`, `:method`, `:path`, `:scheme`);
 * - `host` (from the URL), `content-length` (from the body);
 * - hop-by-hop headers: `connection`, `keep-alive`, `proxy-connection`, `transfer-encoding`, `te`, `trailer`, `upgrade`;
 * - `accept-encoding`: the generator reads bodies as they come, so checks on a compressed body would fail.
 * HAR imports also leave out `cookie` unless asked to keep it (see {@link HarImportOptions.keepCookies}).
 */
export const DROPPED_HEADERS: readonly string[] = [
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'accept-encoding',
];

export function isDroppedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith(':') || DROPPED_HEADERS.includes(lower);
}

/** Looks a header up whatever the case of its name. */
export function headerName(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(headers).find((key) => key.toLowerCase() === lower);
}

export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = headerName(headers, name);
  return key === undefined ? undefined : headers[key];
}

/**
 * Headers from name/value pairs, in their order: a repeated name keeps its first
 * spelling, and its values are joined with `, ` (`; ` for `cookie`).
 */
export function headersFrom(pairs: Iterable<readonly [string, string]>): Record<string, string> {
  const merged = new Map<string, { name: string; value: string }>();
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    const seen = merged.get(lower);
    if (seen) seen.value = `${seen.value}${lower === 'cookie' ? '; ' : ', '}${value}`;
    else merged.set(lower, { name, value });
  }
  return Object.fromEntries([...merged.values()].map(({ name, value }) => [name, value]));
}

/** Whether a string is an absolute http:// or https:// URL (with a host name, not a `${variable}`). */
export function isHttpUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol, hostname } = new URL(url);
  return (protocol === 'http:' || protocol === 'https:') && hostname !== '' && !/[${}]/.test(hostname);
}

/**
 * A query string as a plan's `query`, when that loses nothing: every pair has
 * a `=` and a non-empty name, and no name repeats. Otherwise undefined, and the
 * query stays in the step's URL as it was.
 */
export function queryRecord(search: string): Record<string, string> | undefined {
  const raw = search.startsWith('?') ? search.slice(1) : search;
  const pieces = raw.split('&').filter((piece) => piece !== '');
  if (pieces.some((piece) => !piece.includes('='))) return undefined;
  return uniqueRecord(new URLSearchParams(raw));
}

/** Name/value pairs as a record, or undefined when a name is empty or repeats. */
export function uniqueRecord(pairs: Iterable<readonly [string, string]>): Record<string, string> | undefined {
  const out = new Map<string, string>();
  for (const [name, value] of pairs) {
    if (name === '' || out.has(name)) return undefined;
    out.set(name, value);
  }
  return Object.fromEntries(out);
}

export interface SplitUrl {
  /** A path under the plan's base URL, or the absolute URL of another origin; with its query when that could not be split off. */
  url: string;
  query: Record<string, string>;
  /** `user:password` given in the URL, for a basic authorization header. */
  credentials?: string;
  /** `/path` for a step of the base origin, `host/path` for another origin: what a step's name is made of. */
  label: string;
}

/**
 * Splits an absolute URL against the plan's base origin: a URL of that origin
 * becomes its path, another keeps its origin. The fragment is dropped.
 * `query` overrides the URL's own query when given (a HAR's `queryString`).
 */
export function splitUrl(absolute: string, baseOrigin: string, query?: Record<string, string>): SplitUrl {
  const url = new URL(absolute);
  const credentials = url.username !== '' || url.password !== '' ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined;
  const record = query ?? queryRecord(url.search);
  const search = record === undefined ? url.search : '';
  const sameOrigin = url.origin === baseOrigin;
  const path = unencodeVariables(url.pathname);
  return {
    url: `${sameOrigin ? '' : url.origin}${path}${unencodeVariables(search)}`,
    query: record ?? {},
    ...(credentials === undefined ? {} : { credentials }),
    label: displayText(sameOrigin ? path : `${url.host}${path}`),
  };
}

/** `URL` percent-encodes the markers of a shell variable ({@link VARIABLE_OPEN}); this puts them back. */
function unencodeVariables(encoded: string): string {
  return encoded.replace(ENCODED_VARIABLE, (_, name: string) => `${VARIABLE_OPEN}${name}${VARIABLE_CLOSE}`);
}

export function basicAuthorization(credentials: string): string {
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

/** Gives each step a name no other step has (compared without case): `GET /users`, `GET /users (2)`… */
export class StepNames {
  private readonly used = new Set<string>();

  take(wanted: string): string {
    const base = truncate(wanted.replace(/\s+/g, ' ').trim() || 'request', MAX_NAME);
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? '' : ` (${n})`;
      const name = `${truncate(base, MAX_NAME - suffix.length)}${suffix}`;
      if (!this.used.has(name.toLowerCase())) {
        this.used.add(name.toLowerCase());
        return name;
      }
    }
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** The media type of a content type, lower case and without parameters: `application/json; charset=utf-8` → `application/json`. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function isJsonType(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

export const FORM_TYPE = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

export interface ConvertedBody {
  body: RequestBody;
  /** True when the content type is exactly what the plan sends by default for this body (`application/json`, or the form type): the header can go. */
  defaultContentType: boolean;
}

/**
 * A recorded body as a plan's body:
 * - `json` when the content type is JSON and the text parses;
 * - `form` when the content type is `application/x-www-form-urlencoded` and the text is name=value pairs with distinct names;
 * - else `text`, sent as is (the caller keeps the content type in the headers).
 */
export function convertBody(text: string, contentType: string | undefined): ConvertedBody {
  const exact = (contentType ?? '').trim().toLowerCase();
  if (isJsonType(contentType)) {
    const json = parseJson(text);
    if (json.ok) return { body: { json: json.value }, defaultContentType: exact === JSON_TYPE };
  }
  if (mediaType(contentType) === FORM_TYPE) {
    const form = queryRecord(text);
    if (form !== undefined) return { body: { form }, defaultContentType: exact === FORM_TYPE };
  }
  return { body: { text }, defaultContentType: false };
}

/** JSON too deep for a plan (it could not be stored) is not read as JSON: it is kept as text, sent as recorded. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    const value = JSON.parse(text) as unknown;
    return nestsDeeperThan(value, MAX_STORED_DEPTH) ? { ok: false } : { ok: true, value };
  } catch {
    return { ok: false };
  }
}

/**
 * A shell variable of a curl command, as the tokenizer leaves it: between two
 * private-use characters, so that it is told apart from text that merely looks
 * like a reference. {@link templateText} makes it a `${name}` reference.
 */
export const VARIABLE_OPEN = '\uE000';
export const VARIABLE_CLOSE = '\uE001';
const MARKED_VARIABLE = /\uE000([A-Za-z_][A-Za-z0-9_]*)\uE001/g;
/** The same, percent-encoded by `URL` in a path or query. */
const ENCODED_VARIABLE = /%EE%80%80([A-Za-z_][A-Za-z0-9_]*)%EE%80%81/gi;

/** Recorded text as a plan template: a literal `${` is written `$${`, a marked variable `${name}`. */
export function templateText(text: string): string {
  return text.replaceAll('${', () => '$${').replace(MARKED_VARIABLE, (_, name: string) => `\${${name}}`);
}

/** Text with its marked variables shown as `${name}`: for names and messages. */
export function displayText(text: string): string {
  return text.replace(MARKED_VARIABLE, (_, name: string) => `\${${name}}`);
}

function templateJson(value: unknown): unknown {
  if (typeof value === 'string') return templateText(value);
  if (Array.isArray(value)) return value.map(templateJson);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, templateJson(item)]));
  return value;
}

const mapValues = (record: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, templateText(value)]));

/** The steps with every text the plan reads as a template (URL, query and header values, body text, form values, JSON strings) made one, see {@link templateText}. */
function templateSteps(steps: readonly Step[]): Step[] {
  return mapFlow<Step>(steps, (step, children) => (step.kind === 'http' ? templateHttp(step) : { ...step, ...children }));
}

function templateHttp(step: HttpStep): HttpStep {
  const body = step.body;
  return {
    ...step,
    url: templateText(step.url),
    query: mapValues(step.query),
    headers: mapValues(step.headers),
    ...(body === undefined
      ? {}
      : {
          body:
            body.text !== undefined
              ? { text: templateText(body.text) }
              : body.form !== undefined
                ? { form: mapValues(body.form) }
                : body.json !== undefined
                  ? { json: templateJson(body.json) }
                  : body,
        }),
  };
}

export interface PlanDraft {
  name: string;
  baseUrl: string;
  /** Plan variables (a curl command's shell variables). */
  variables?: Record<string, string>;
  /** Steps holding recorded text: {@link finishPlan} makes it templates. */
  steps: Step[];
  /** What each step was converted from (`log.entries[3]`, `command 2`, `node "n5"`), by the step's path (`steps[1]`, `steps[2].then[0]`). */
  sources?: Map<string, string>;
}

/**
 * Validates the converted plan with `PlanSchema`, once its recorded text is
 * written as templates ({@link templateText}): a `${` that was sent as is
 * stays so. A problem left (an invalid header name, say) is named by its path
 * in the plan and by what its step was converted from.
 */
export function finishPlan(draft: PlanDraft, what: string): Plan {
  const result = PlanSchema.safeParse({
    version: 1,
    name: truncate(draft.name.trim() || what, MAX_NAME),
    baseUrl: draft.baseUrl,
    variables: draft.variables ?? {},
    steps: templateSteps(draft.steps),
  });
  if (result.success) return result.data;
  const issues = fieldIssues(result.error).map((issue) => {
    const source = sourceOf(issue.path, draft.sources);
    return source === undefined ? issue : { path: issue.path, message: `${issue.message} (in the step from ${source})` };
  });
  throw PlanImportError.fromIssues(`the plan converted from the ${what} is invalid`, issues);
}

/** The source of the deepest step on the path `steps[2].then[0].headers.X`. */
function sourceOf(path: string, sources: Map<string, string> | undefined): string | undefined {
  if (sources === undefined) return undefined;
  for (let end = path.length; end > 0; end = path.lastIndexOf('.', end - 1)) {
    const source = sources.get(path.slice(0, end));
    if (source !== undefined) return source;
  }
  return undefined;
}
