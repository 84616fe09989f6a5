import { HTTP_METHODS, type HttpMethod, type Plan, type Step } from '@loadtest/protocol';
import { z } from 'zod';
import {
  basicAuthorization,
  convertBody,
  finishPlan,
  FORM_TYPE,
  headerName,
  headersFrom,
  headerValue,
  isDroppedHeader,
  isHttpUrl,
  MAX_STEPS,
  mediaType,
  splitUrl,
  StepNames,
  uniqueRecord,
} from './common.js';
import { PlanImportError } from './errors.js';
import { httpStep, thinkStep } from './steps.js';

const NameValueSchema = z.object({ name: z.string(), value: z.string() }).loose();

/**
 * The part of a HAR 1.2 log (http://www.softwareishard.com/blog/har-12-spec/)
 * an import reads; every other field (responses, timings, cookies, browser
 * extensions such as `_resourceType`) is accepted and ignored.
 */
export const HarSchema = z
  .object({
    log: z
      .object({
        version: z.string().optional(),
        pages: z.array(z.object({ title: z.string().optional() }).loose()).optional(),
        entries: z
          .array(
            z
              .object({
                startedDateTime: z
                  .string()
                  .refine((date) => !Number.isNaN(Date.parse(date)), 'must be an ISO 8601 date and time')
                  .optional(),
                /** Milliseconds the request took; not used. */
                time: z.number().optional(),
                request: z
                  .object({
                    method: z
                      .string()
                      .refine((method) => (HTTP_METHODS as readonly string[]).includes(method.toUpperCase()), `must be one of ${HTTP_METHODS.join(', ')}`),
                    url: z.string().refine(isHttpUrl, 'must be an absolute http:// or https:// URL'),
                    headers: z.array(NameValueSchema).default([]),
                    queryString: z.array(NameValueSchema).default([]),
                    postData: z
                      .object({
                        mimeType: z.string().default(''),
                        text: z.string().optional(),
                        params: z
                          .array(
                            z
                              .object({ name: z.string(), value: z.string().optional(), fileName: z.string().optional(), contentType: z.string().optional() })
                              .loose(),
                          )
                          .optional(),
                      })
                      .loose()
                      .optional(),
                  })
                  .loose(),
              })
              .loose(),
          )
          .min(1, 'has no entries'),
      })
      .loose(),
  })
  .loose()
  .meta({ id: 'Har', description: 'A HAR 1.2 log; only `log.entries[].request` (and `startedDateTime` for think times) is read.' });
export type Har = z.input<typeof HarSchema>;
type HarEntry = z.output<typeof HarSchema>['log']['entries'][number];

export interface HarImportOptions {
  /** The plan's name; by default the first page's title, else `HAR import (host)`. */
  name?: string;
  /** Adds a think step for the pause between one entry's `startedDateTime` and the next one's. Default false. */
  thinkTime?: boolean;
  /** With `thinkTime`, shorter pauses are left out (ms; default 0: every positive pause becomes a step). */
  minThinkMs?: number;
  /** Keeps recorded `cookie` headers (by default they are left out: they belong to the browser's session at the time of the recording). */
  keepCookies?: boolean;
}

const MAX_THINK_MS = 3_600_000;

/**
 * A HAR 1.2 log as a plan: one HTTP step per entry, named `METHOD /path`
 * (`METHOD host/path` for another origin than the first entry's, which is the
 * plan's `baseUrl`), made unique with ` (2)`, ` (3)`…
 *
 * - query: the URL's own query (browsers disagree about whether `queryString`
 *   values are decoded, the URL is unambiguous); `queryString` when the URL has
 *   none. A query that repeats a name stays in the URL.
 * - headers: all but {@link DROPPED_HEADERS} and `cookie` (see `keepCookies`).
 * - body: JSON when the MIME type is JSON and the text parses; a form when it is
 *   `application/x-www-form-urlencoded` (from the text, else from `params`);
 *   otherwise the text, with its content type kept.
 *
 * Throws a {@link PlanImportError} naming the path of each problem.
 */
export function planFromHar(har: unknown, options: HarImportOptions = {}): Plan {
  const parsed = HarSchema.safeParse(har);
  if (!parsed.success) throw PlanImportError.fromZod('invalid HAR', parsed.error);
  const { log } = parsed.data;
  const first = new URL(log.entries[0]!.request.url);
  const names = new StepNames();
  const steps: Step[] = [];
  const sources = new Map<string, string>();
  const issues: { path: string; message: string }[] = [];
  let previousStart: number | undefined;

  log.entries.forEach((entry, index) => {
    if (options.thinkTime) {
      if (entry.startedDateTime === undefined) {
        issues.push({ path: `log.entries[${index}].startedDateTime`, message: 'required for think times' });
        return;
      }
      const start = Date.parse(entry.startedDateTime);
      if (previousStart !== undefined) {
        const pause = Math.min(Math.round(start - previousStart), MAX_THINK_MS);
        if (pause > 0 && pause >= (options.minThinkMs ?? 0)) steps.push(thinkStep({ ms: pause }));
      }
      previousStart = start;
    }
    sources.set(`steps[${steps.length}]`, `log.entries[${index}]`);
    steps.push(entryStep(entry, index, first.origin, names, options));
  });
  if (issues.length > 0) throw PlanImportError.fromIssues('invalid HAR', issues);
  if (steps.length > MAX_STEPS) {
    throw PlanImportError.fromIssues('HAR too large', [
      {
        path: 'log.entries',
        message: `makes ${steps.length} steps, and a plan holds at most ${MAX_STEPS}: export fewer requests (e.g. only Fetch/XHR)${options.thinkTime ? ', or raise minThinkMs' : ''}`,
      },
    ]);
  }
  return finishPlan({ name: options.name ?? log.pages?.[0]?.title ?? `HAR import (${first.host})`, baseUrl: first.origin, steps, sources }, 'HAR');
}

function entryStep(entry: HarEntry, index: number, baseOrigin: string, names: StepNames, options: HarImportOptions) {
  const { request } = entry;
  const method = request.method.toUpperCase() as HttpMethod;
  const fromUrl = new URL(request.url).search;
  const query = fromUrl === '' && request.queryString.length > 0 ? uniqueRecord(request.queryString.map((q) => [q.name, q.value])) : undefined;
  const split = splitUrl(request.url, baseOrigin, query);
  if (fromUrl === '' && query === undefined && request.queryString.length > 0) {
    split.url += `?${new URLSearchParams(request.queryString.map((q): [string, string] => [q.name, q.value])).toString()}`;
  }
  const headers = headersFrom(
    request.headers.filter((h) => !isDroppedHeader(h.name) && (options.keepCookies || h.name.toLowerCase() !== 'cookie')).map((h) => [h.name, h.value]),
  );
  if (split.credentials !== undefined && headerName(headers, 'authorization') === undefined) headers.authorization = basicAuthorization(split.credentials);

  const post = request.postData;
  const contentType = headerValue(headers, 'content-type') ?? (post?.mimeType || undefined);
  const text = post === undefined ? undefined : bodyText(post, contentType, `log.entries[${index}].request.postData`);
  let body;
  if (text !== undefined) {
    const converted = convertBody(text, contentType);
    body = converted.body;
    const key = headerName(headers, 'content-type');
    if (converted.defaultContentType && key !== undefined) delete headers[key];
    else if (key === undefined && contentType !== undefined && !converted.defaultContentType) headers['content-type'] = contentType;
  }
  return httpStep({
    name: names.take(`${method} ${split.label}`),
    method,
    url: split.url,
    query: split.query,
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

/** The body's text: `text` when there is one, else the form `params` encoded (only a URL-encoded form can be rebuilt from them). */
function bodyText(post: NonNullable<HarEntry['request']['postData']>, contentType: string | undefined, path: string): string | undefined {
  if (post.text !== undefined && post.text !== '') return post.text;
  if (post.params === undefined || post.params.length === 0) return undefined;
  if (mediaType(contentType) !== FORM_TYPE)
    throw PlanImportError.fromIssues('invalid HAR', [
      { path: `${path}.text`, message: `required: a ${mediaType(contentType) || 'body'} cannot be rebuilt from params` },
    ]);
  return new URLSearchParams(post.params.map((p): [string, string] => [p.name, p.value ?? ''])).toString();
}
