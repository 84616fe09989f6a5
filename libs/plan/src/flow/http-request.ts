import { joinPath } from './plan-requests.js';
import type { CompiledHttp } from './compile.js';
import { renderTemplate, type Lookup } from './template.js';

/** Where a share's connections go: the plan's base URL. */
export interface RequestTarget {
  /** `http://host:port`, to tell a step's absolute URL on the same server. */
  readonly origin: string;
  /** The Host header. */
  readonly host: string;
  /** The base URL's own path, that relative step URLs go under. */
  readonly basePath: string;
}

export function requestTarget(baseUrl: string): RequestTarget {
  const url = new URL(baseUrl);
  return { origin: url.origin, host: url.host, basePath: url.pathname };
}

/** A step that cannot be sent on the share's connections (its URL is on another server). */
export class UnsendableRequest extends Error {}

const ABSOLUTE = /^https?:\/\//i;

/** Percent-encodes what may not stand in a request line (spaces, controls, non-ASCII), leaving the rest, `%` included, as written. */
function requestLinePath(path: string): string {
  return /[^\x21-\x7e]/.test(path) ? path.replace(/[^\x21-\x7e]/gu, encodeChar) : path;
}

function encodeChar(c: string): string {
  try {
    return encodeURIComponent(c);
  } catch {
    // A lone surrogate has no UTF-8 form: U+FFFD instead.
    return '%EF%BF%BD';
  }
}

/** A header value on one line: CR and LF would split it into another header. */
function headerValue(value: string): string {
  return value.includes('\r') || value.includes('\n') ? value.replace(/[\r\n]+/g, ' ') : value;
}

function pathOf(step: CompiledHttp, lookup: Lookup, target: RequestTarget): string {
  const url = renderTemplate(step.url, lookup);
  let path: string;
  if (ABSOLUTE.test(url)) {
    const absolute = new URL(url);
    if (absolute.origin !== target.origin) throw new UnsendableRequest(`step "${step.name}": ${absolute.origin} is not the plan's server (${target.origin})`);
    path = `${absolute.pathname}${absolute.search}`;
  } else {
    path = joinPath(target.basePath, url);
  }
  if (step.query.length > 0) {
    const search = new URLSearchParams(step.query.map(([name, value]): [string, string] => [name, renderTemplate(value, lookup)])).toString();
    path = `${path}${path.includes('?') ? '&' : '?'}${search}`;
  }
  return requestLinePath(path);
}

/**
 * The bytes of a step's HTTP/1.1 request for a virtual user, in the form
 * autocannon writes its own: request line, Host, `Connection: keep-alive`, the
 * headers, Content-Length when there is a body. A Host or Connection header of
 * the plan replaces the default; Content-Length and Transfer-Encoding are the
 * sender's to set.
 */
export function renderRequest(step: CompiledHttp, lookup: Lookup, target: RequestTarget): Buffer {
  const lines = [`${step.method} ${pathOf(step, lookup, target)} HTTP/1.1`];
  let host = false;
  let connection = false;
  const own: string[] = [];
  for (const [name, template] of step.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding') continue;
    if (lower === 'host') host = true;
    if (lower === 'connection') connection = true;
    own.push(`${name}: ${headerValue(renderTemplate(template, lookup))}`);
  }
  if (!host) lines.push(`Host: ${target.host}`);
  if (!connection) lines.push('Connection: keep-alive');
  lines.push(...own);
  const rendered = step.body?.render(lookup);
  const body = typeof rendered === 'string' ? Buffer.from(rendered, 'utf8') : rendered;
  if (body !== undefined) lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return body === undefined || body.length === 0 ? head : Buffer.concat([head, body]);
}

/** The bytes of steps with no template at all (CompiledHttp.constant), rendered once: the same for every virtual user. */
const constantRequests = new WeakMap<CompiledHttp, Buffer>();

/** renderRequest, once only for a step with no template (its bytes are then shared; nothing writes to them). */
export function requestBytes(step: CompiledHttp, lookup: Lookup, target: RequestTarget): Buffer {
  if (!step.constant) return renderRequest(step, lookup, target);
  let bytes = constantRequests.get(step);
  if (bytes === undefined) {
    bytes = renderRequest(step, lookup, target);
    constantRequests.set(step, bytes);
  }
  return bytes;
}
