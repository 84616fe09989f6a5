import { HTTP_METHODS, VARIABLE_NAME, type FieldIssue, type HttpMethod, type HttpStep, type Plan } from '@loadtest/protocol';
import { parse, type ParseEntry } from 'shell-quote';
import { z } from 'zod';
import {
  basicAuthorization,
  convertBody,
  displayText,
  finishPlan,
  FORM_TYPE,
  headerName,
  headersFrom,
  isDroppedHeader,
  isHttpUrl,
  JSON_TYPE,
  MAX_STEPS,
  splitUrl,
  StepNames,
  VARIABLE_CLOSE,
  VARIABLE_OPEN,
} from './common.js';
import { PlanImportError } from './errors.js';
import { httpStep } from './steps.js';

/** One or more curl command lines: one text (commands on their own lines, `\` continues a line), or a list of such texts. */
export const CurlCommandsSchema = z
  .union([z.string().min(1, 'must not be empty'), z.array(z.string()).min(1, 'needs at least one command')])
  .meta({ id: 'CurlCommands', description: 'curl command lines: one per line (a line ending with `\\` continues on the next), or a list of them.' });
export type CurlCommands = z.infer<typeof CurlCommandsSchema>;

export interface CurlImportOptions {
  /** The plan's name; by default `curl import (host)`. */
  name?: string;
}

/** A problem with one command; becomes an issue at `command N`. */
class CommandError extends Error {}

interface CommandText {
  text: string;
  /** The line the command starts on, from 1. */
  line: number;
}

type Quote = "'" | '"' | "$'";

/**
 * Cuts a text into commands at the newlines outside quotes. A `\` before a
 * newline (outside single quotes) continues the command on the next line; a
 * `#` starting a word comments out the rest of the line. An unterminated
 * quote is an error of the command it opens in.
 */
function splitCommands(input: string, firstNumber: number, where: (n: number, line: number) => string): CommandText[] {
  const source = input.replace(/\r\n?/g, '\n');
  const commands: CommandText[] = [];
  let text = '';
  let start = 0;
  let line = 1;
  let quote: Quote | undefined;
  let quoteLine = 0;
  const finish = () => {
    if (text.trim() !== '') commands.push({ text, line: start });
    text = '';
    start = 0;
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const next = source[i + 1];
    if (start === 0 && !/\s/.test(c)) start = line;
    if (c === '\n') line++;
    if (quote === "'") {
      text += c;
      if (c === "'") quote = undefined;
    } else if (quote !== undefined) {
      if (c === '\\' && next === '\n' && quote === '"') {
        line++;
        i++;
      } else if (c === '\\' && next !== undefined) {
        if (next === '\n') line++;
        text += c + next;
        i++;
      } else {
        text += c;
        if ((quote === '"' && c === '"') || (quote === "$'" && c === "'")) quote = undefined;
      }
    } else if (c === '\\' && /^[ \t]*\n/.test(source.slice(i + 1))) {
      // A line continuation, also with blanks left after the backslash.
      text += ' ';
      while (source[i + 1] !== '\n') i++;
      line++;
      i++;
    } else if (c === '\\' && next !== undefined) {
      text += c + next;
      i++;
    } else if (c === '\n') {
      finish();
    } else if (c === '#' && (text === '' || /\s$/.test(text))) {
      while (i + 1 < source.length && source[i + 1] !== '\n') i++;
    } else if (c === "'" || c === '"') {
      quote = c;
      quoteLine = line;
      text += c;
    } else if (c === '$' && next === "'") {
      quote = "$'";
      quoteLine = line;
      text += "$'";
      i++;
    } else {
      text += c;
    }
  }
  if (quote !== undefined) {
    const n = firstNumber + commands.length;
    throw PlanImportError.fromIssues('invalid curl command', [
      { path: where(n, start), message: `unterminated ${quote === '"' ? 'double' : 'single'} quote (opened on line ${quoteLine})` },
    ]);
  }
  finish();
  return commands;
}

interface CurlRequest {
  method?: string;
  head: boolean;
  get: boolean;
  urls: string[];
  headers: [string, string][];
  /** Headers the command removes (`-H 'Name:'`). */
  removed: Set<string>;
  data?: string;
  json: boolean;
  user?: string;
  userAgent?: string;
  referer?: string;
  cookies: string[];
  timeoutSeconds?: number;
}

type Apply = (request: CurlRequest, value: string, option: string) => void;

/** Options taking a value, by long name; `undefined` marks one that is accepted and has no effect on the plan. */
const WITH_VALUE: Record<string, Apply | undefined> = {
  request: (r, v) => {
    r.method = v;
  },
  header: (r, v, option) => header(r, v, option),
  data: (r, v, option) => addData(r, fileless(v, option)),
  'data-ascii': (r, v, option) => addData(r, fileless(v, option)),
  'data-binary': (r, v, option) => addData(r, fileless(v, option)),
  'data-raw': (r, v) => addData(r, v),
  'data-urlencode': (r, v, option) => addData(r, urlencodeData(v, option)),
  json: (r, v, option) => {
    r.data = (r.data ?? '') + fileless(v, option);
    r.json = true;
  },
  user: (r, v, option) => {
    if (v.includes(VARIABLE_OPEN))
      throw new CommandError(`${option} with a variable cannot be imported (the header is encoded once, here): give -H "Authorization: Basic …" instead`);
    r.user = v;
  },
  'user-agent': (r, v) => {
    if (v !== '') r.userAgent = v;
  },
  referer: (r, v) => {
    r.referer = v.replace(/;auto$/, '');
  },
  cookie: (r, v, option) => {
    if (!v.includes('='))
      throw new CommandError(`${option} "${v}" names a cookie file, which an import cannot read: give the cookies as "name=value; name2=value2"`);
    r.cookies.push(v);
  },
  url: (r, v) => {
    r.urls.push(v);
  },
  'max-time': (r, v, option) => {
    const seconds = Number(v);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new CommandError(`${option} needs a positive number of seconds, got "${v}"`);
    r.timeoutSeconds = Math.min(600, Math.max(1, Math.ceil(seconds)));
  },
  output: undefined,
  'write-out': undefined,
  'dump-header': undefined,
  'connect-timeout': undefined,
  retry: undefined,
  'retry-delay': undefined,
  'retry-max-time': undefined,
  'max-redirs': undefined,
  stderr: undefined,
  trace: undefined,
  'trace-ascii': undefined,
};

/** Options without a value, by long name. */
const WITHOUT_VALUE: Record<string, ((request: CurlRequest) => void) | undefined> = {
  get: (r) => {
    r.get = true;
  },
  head: (r) => {
    r.head = true;
  },
  silent: undefined,
  'show-error': undefined,
  location: undefined,
  'location-trusted': undefined,
  insecure: undefined,
  verbose: undefined,
  compressed: undefined,
  include: undefined,
  fail: undefined,
  'fail-with-body': undefined,
  'remote-name': undefined,
  'no-buffer': undefined,
  globoff: undefined,
  ipv4: undefined,
  ipv6: undefined,
  'progress-bar': undefined,
  'no-progress-meter': undefined,
  'http1.0': undefined,
  'http1.1': undefined,
  http2: undefined,
  'http2-prior-knowledge': undefined,
  'tlsv1.2': undefined,
  'tlsv1.3': undefined,
  'no-keepalive': undefined,
  'tcp-nodelay': undefined,
  'path-as-is': undefined,
};

const SHORT: Record<string, string> = {
  X: 'request',
  H: 'header',
  d: 'data',
  G: 'get',
  u: 'user',
  A: 'user-agent',
  e: 'referer',
  b: 'cookie',
  I: 'head',
  m: 'max-time',
  s: 'silent',
  S: 'show-error',
  L: 'location',
  k: 'insecure',
  v: 'verbose',
  i: 'include',
  o: 'output',
  O: 'remote-name',
  w: 'write-out',
  D: 'dump-header',
  f: 'fail',
  N: 'no-buffer',
  g: 'globoff',
  '4': 'ipv4',
  '6': 'ipv6',
  '#': 'progress-bar',
};

/** Options that would change the request in a way a plan cannot express. */
const UNSUPPORTED: Record<string, string> = {
  form: 'multipart forms (-F/--form) are not supported: give the body with --data-binary and a content-type header',
  'form-string': 'multipart forms (--form-string) are not supported',
  'upload-file': 'uploads (-T/--upload-file) are not supported: give the body with --data-binary',
};
const SHORT_UNSUPPORTED: Record<string, string> = { F: 'form', T: 'upload-file' };

function header(r: CurlRequest, value: string, option: string): void {
  if (value.startsWith('@'))
    throw new CommandError(`${option} ${value} reads headers from a file, which an import cannot do: give each header with -H "Name: value"`);
  const colon = value.indexOf(':');
  const semicolon = value.indexOf(';');
  if (colon > 0) {
    const name = value.slice(0, colon).trim();
    const content = value.slice(colon + 1).trim();
    if (content === '') r.removed.add(name.toLowerCase());
    else r.headers.push([name, content]);
  } else if (semicolon > 0 && value.slice(semicolon + 1).trim() === '') {
    r.headers.push([value.slice(0, semicolon).trim(), '']);
  } else {
    throw new CommandError(`${option} "${value}" is not a header: write it "Name: value"`);
  }
}

function fileless(value: string, option: string): string {
  if (value.startsWith('@'))
    throw new CommandError(`${option} ${value} reads a file, which an import cannot do: paste the content instead (or use --data-raw)`);
  return value;
}

function addData(r: CurlRequest, piece: string): void {
  r.data = r.data === undefined ? piece : `${r.data}&${piece}`;
}

/** curl's URL encoding: everything but letters, digits and `-._~`. */
function curlEscape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `--data-urlencode`: `content`, `=content`, `name=content` (encoded), `@file` or `name@file` (not readable here). */
function urlencodeData(value: string, option: string): string {
  const equals = value.indexOf('=');
  const at = value.indexOf('@');
  if (equals >= 0 && (at < 0 || equals < at)) {
    const name = value.slice(0, equals);
    const content = curlEscape(value.slice(equals + 1));
    return name === '' ? content : `${name}=${content}`;
  }
  if (at >= 0) throw new CommandError(`${option} ${value} reads a file, which an import cannot do: paste the content instead`);
  return curlEscape(value);
}

function isCurl(word: string): boolean {
  return /(^|[/\\])curl(\.exe)?$/i.test(word);
}

/** The words of one command line; shell variables (`$TOKEN`, `${TOKEN}`) are marked, to become plan references. */
function words(text: string, variables: Set<string>): string[] {
  let entries: ParseEntry[];
  try {
    entries = parse(text, (name: string) => {
      if (!VARIABLE_NAME.test(name)) return `$${name}`;
      variables.add(name);
      return `${VARIABLE_OPEN}${name}${VARIABLE_CLOSE}`;
    });
  } catch (error) {
    throw new CommandError(error instanceof Error ? error.message : String(error));
  }
  const out: string[] = [];
  // A shell prompt copied along (`$ curl …`).
  if (entries[0] === '$') entries.shift();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (typeof entry === 'string') out.push(entry);
    else if ('comment' in entry) break;
    else if (entry.op === 'glob') out.push(entry.pattern);
    // What a pipe feeds, the request does not care about.
    else if (entry.op === '|' || entry.op === '|&') break;
    // A redirection's target is a file, not an argument of curl.
    else if (entry.op === '>' || entry.op === '>>' || entry.op === '>&' || entry.op === '<') i++;
    else if (entry.op === '&') throw new CommandError('unquoted "&": the shell would cut the command there; quote the URL or the data');
    else throw new CommandError(`shell operator "${entry.op}" is not supported: put each curl command on its own line`);
  }
  return out;
}

function readRequest(args: readonly string[]): CurlRequest {
  const r: CurlRequest = { head: false, get: false, urls: [], headers: [], removed: new Set(), json: false, cookies: [] };
  const valueOf = (i: number, option: string): string => {
    const value = args[i];
    if (value === undefined) throw new CommandError(`${option} needs a value`);
    return value;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      const option = `--${name}`;
      if (Object.hasOwn(UNSUPPORTED, name)) throw new CommandError(UNSUPPORTED[name]!);
      if (Object.hasOwn(WITH_VALUE, name)) {
        const value = eq > 0 ? arg.slice(eq + 1) : valueOf(++i, option);
        WITH_VALUE[name]?.(r, value, option);
      } else if (Object.hasOwn(WITHOUT_VALUE, name) && eq < 0) {
        WITHOUT_VALUE[name]?.(r);
      } else {
        throw new CommandError(`unknown option "${option}"`);
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      // A cluster of short options (`-sSL`); one taking a value takes the rest of the word, or the next word (`-XPOST`, `-X POST`).
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]!;
        const option = `-${letter}`;
        if (SHORT_UNSUPPORTED[letter] !== undefined) throw new CommandError(UNSUPPORTED[SHORT_UNSUPPORTED[letter]]!);
        const name = SHORT[letter];
        if (name === undefined) throw new CommandError(`unknown option "${option}"${arg.length > 2 ? ` (in "${arg}")` : ''}`);
        if (Object.hasOwn(WITH_VALUE, name)) {
          const value = j + 1 < arg.length ? arg.slice(j + 1) : valueOf(++i, option);
          WITH_VALUE[name]?.(r, value, option);
          break;
        }
        WITHOUT_VALUE[name]?.(r);
      }
    } else {
      r.urls.push(arg);
    }
  }
  return r;
}

function methodOf(r: CurlRequest): HttpMethod {
  if (r.method !== undefined) {
    const method = r.method.toUpperCase();
    if (!(HTTP_METHODS as readonly string[]).includes(method))
      throw new CommandError(`method "${r.method}" is not supported (use one of ${HTTP_METHODS.join(', ')})`);
    return method as HttpMethod;
  }
  if (r.head) return 'HEAD';
  if (r.get) return 'GET';
  return r.data !== undefined ? 'POST' : 'GET';
}

function absoluteUrl(r: CurlRequest): string {
  if (r.urls.length === 0) throw new CommandError('no URL');
  if (r.urls.length > 1) throw new CommandError(`more than one URL (${r.urls.join(', ')}): give each request its own curl command`);
  const raw = r.urls[0]!;
  // curl takes a URL without a scheme as http.
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  if (/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*\uE000/i.test(url))
    throw new CommandError(`"${raw}" has a variable in its origin: write the origin out (the plan's base URL is taken from the first URL)`);
  if (!isHttpUrl(url)) throw new CommandError(`"${raw}" is not an http:// or https:// URL`);
  return url;
}

function toStep(r: CurlRequest, baseOrigin: string | undefined, names: StepNames): { step: HttpStep; origin: string } {
  const method = methodOf(r);
  if (r.head && r.data !== undefined && !r.get) throw new CommandError('-I/--head sends no body: drop the data or -I');
  let url = absoluteUrl(r);
  if (r.get && r.data !== undefined) {
    const [beforeHash] = url.split('#');
    url = `${beforeHash!}${beforeHash!.includes('?') ? '&' : '?'}${r.data}`;
  }
  const origin = new URL(url).origin;
  const split = splitUrl(url, baseOrigin ?? origin);
  // An explicit Host header other than the URL's host picks a virtual host: it is kept.
  const host = new URL(url).host.toLowerCase();
  const headers = headersFrom(r.headers.filter(([name, value]) => !isDroppedHeader(name) || (name.toLowerCase() === 'host' && value.toLowerCase() !== host)));
  const add = (name: string, value: string | undefined) => {
    if (value !== undefined && headerName(headers, name) === undefined && !r.removed.has(name)) headers[name] = value;
  };
  const credentials = r.user === undefined ? split.credentials : r.user.includes(':') ? r.user : `${r.user}:`;
  add('authorization', credentials === undefined ? undefined : basicAuthorization(credentials));
  add('user-agent', r.userAgent);
  add('referer', r.referer);
  add('cookie', r.cookies.length > 0 ? r.cookies.join('; ') : undefined);
  let body;
  if (r.data !== undefined && !r.get) {
    if (r.json) add('accept', JSON_TYPE);
    const key = headerName(headers, 'content-type');
    const contentType = key === undefined ? (r.json ? JSON_TYPE : FORM_TYPE) : headers[key]!;
    const converted = convertBody(r.data, contentType);
    body = converted.body;
    if (converted.defaultContentType && key !== undefined) delete headers[key];
    else if (!converted.defaultContentType && key === undefined) headers['content-type'] = contentType;
  }
  const step = httpStep({
    name: names.take(`${method} ${split.label}`),
    method,
    url: split.url,
    query: split.query,
    headers,
    ...(body === undefined ? {} : { body }),
    ...(r.timeoutSeconds === undefined ? {} : { timeoutSeconds: r.timeoutSeconds }),
  });
  return { step, origin };
}

/**
 * curl command lines as a plan, one HTTP step per command, named `METHOD /path`
 * and made unique. The first command's origin is the plan's `baseUrl`.
 *
 * Reads `-X/--request`, `-H/--header`, `-d/--data`, `--data-raw`,
 * `--data-binary`, `--data-ascii`, `--data-urlencode` (several join with `&`;
 * data means POST and, without a content-type header, a form), `--json`,
 * `-G/--get` (the data goes to the query), `-u/--user`, `-A/--user-agent`,
 * `-e/--referer`, `-b/--cookie`, `--url`, `-I/--head` and `-m/--max-time`
 * (the step's timeout); ignores options that do not change the request
 * (`-s`, `-S`, `-L`, `-k`, `-v`, `-i`, `--compressed`, `-o FILE`, …).
 * Shell variables (`$TOKEN`, `${TOKEN}`) become plan variables, empty until set.
 *
 * Throws a {@link PlanImportError} with an issue at `command N` for each command
 * that cannot be converted: an unknown option, an unterminated quote, a file to read…
 */
export function planFromCurl(commands: string | readonly string[], options: CurlImportOptions = {}): Plan {
  const texts = typeof commands === 'string' ? [commands] : commands;
  const multiline = texts.some((text) => text.trim().includes('\n'));
  const where = (n: number, line: number) => `command ${n}${multiline ? ` (line ${line})` : ''}`;
  const all: CommandText[] = [];
  for (const text of texts) all.push(...splitCommands(text, all.length + 1, where));
  if (all.length === 0) throw PlanImportError.fromIssues('no curl command', [{ path: '', message: 'no curl command found' }]);
  if (all.length > MAX_STEPS)
    throw PlanImportError.fromIssues('too many curl commands', [{ path: '', message: `${all.length} commands, and a plan holds at most ${MAX_STEPS} steps` }]);

  const names = new StepNames();
  const variables = new Set<string>();
  const issues: FieldIssue[] = [];
  const steps: HttpStep[] = [];
  const sources = new Map<string, string>();
  let baseOrigin: string | undefined;
  all.forEach((command, index) => {
    try {
      const args = words(command.text, variables);
      if (args.length === 0 || !isCurl(args[0]!)) throw new CommandError(`expected a curl command, found "${args[0] ?? command.text.trim()}"`);
      const { step, origin } = toStep(readRequest(args.slice(1)), baseOrigin, names);
      baseOrigin ??= origin;
      sources.set(`steps[${steps.length}]`, where(index + 1, command.line));
      steps.push(step);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      issues.push({ path: where(index + 1, command.line), message: displayText(error.message) });
    }
  });
  if (issues.length > 0) throw PlanImportError.fromIssues('invalid curl command', issues);
  const host = new URL(baseOrigin!).host;
  return finishPlan(
    {
      name: options.name ?? `curl import (${host})`,
      baseUrl: baseOrigin!,
      variables: Object.fromEntries([...variables].map((name) => [name, ''])),
      steps,
      sources,
    },
    'curl commands',
  );
}
