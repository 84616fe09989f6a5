import type { Condition, HttpMethod, Plan, RequestBody, Step } from '@loadtest/protocol';
import { z } from 'zod';
import { finishPlan, isHttpUrl, MAX_STEPS, parseJson, splitUrl, StepNames } from './common.js';
import { PlanImportError } from './errors.js';
import { httpStep, thinkStep } from './steps.js';

/*
 * The plans of the old tool, as its front end saved them (and PUT them to its
 * backend):
 *
 *   {
 *     "testPlan": [TreeNode],                  // the tree, from its startNode
 *     "reactFlow": { "nodes", "edges", "viewport" }   // the canvas: ignored
 *   }
 *   TreeNode = { name, type, data, children: TreeNode[], conditions?: { trueChildren, falseChildren } }
 *
 * or the bare `testPlan` array. Node types and their `data`:
 * - `startNode`: the root;
 * - `getRequest`, `postRequest`, `putRequest`, `deleteRequest`: `url` (absolute), `body` (post/put: a string);
 * - `ifCondition`: `field` (response_code | response_time | response_size),
 *   `condition` (equals | not_equals | greater_than | less_than), `value` (a number, saved as text);
 *   `conditions.trueChildren` / `conditions.falseChildren` are its branches;
 * - `delayNode`: `delayType` FIXED (`fixedDelay` ms) or RANDOM (`randomDelay: { min, max }` ms);
 * - `stopNode`: ends the iteration.
 * The tree runs depth first: a node, then its children in order (each with its own children first).
 */

export const LEGACY_REQUEST_TYPES = { getRequest: 'GET', postRequest: 'POST', putRequest: 'PUT', deleteRequest: 'DELETE' } as const satisfies Record<
  string,
  HttpMethod
>;
type RequestType = keyof typeof LEGACY_REQUEST_TYPES;
export const LEGACY_NODE_TYPES = ['startNode', 'stopNode', ...(Object.keys(LEGACY_REQUEST_TYPES) as RequestType[]), 'ifCondition', 'delayNode'] as const;

/** Most nodes in one document, and deepest nesting: bounds the work (and the recursion) an import does. */
const MAX_NODES = 2000;
const MAX_DEPTH = 500;
/** Most steps a plan may become once the steps after a stopNode's `if` are copied into its branches. */
const MAX_COPIED_STEPS = 5000;
const MAX_DELAY_MS = 3_600_000;

/** A number the front end may have saved as text (`"200"`), as a number. */
const numberText = (what: string) =>
  z.union([z.number(), z.string()], { error: `must be ${what} (a number, or a number as text)` }).transform((value, ctx) => {
    const number = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(number)) {
      ctx.addIssue({ code: 'custom', message: `must be ${what}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return number;
  });
const delayMs = numberText('a delay in ms').pipe(z.number().min(0, 'must be at least 0').max(MAX_DELAY_MS, `must be at most ${MAX_DELAY_MS} ms`));

/** What the canvas shows on the node; it names the step. */
const nodeName = z.string().nullish();

export type LegacyTreeNode =
  | { type: 'startNode' | 'stopNode'; name?: string | null; children: LegacyTreeNode[] }
  | { type: 'postRequest' | 'putRequest'; name?: string | null; data: { url: string; body?: string | null }; children: LegacyTreeNode[] }
  | { type: 'getRequest' | 'deleteRequest'; name?: string | null; data: { url: string }; children: LegacyTreeNode[] }
  | {
      type: 'ifCondition';
      name?: string | null;
      data: { field: 'response_code' | 'response_time' | 'response_size'; condition: 'equals' | 'not_equals' | 'greater_than' | 'less_than'; value: number };
      children: LegacyTreeNode[];
      conditions: { trueChildren: LegacyTreeNode[]; falseChildren: LegacyTreeNode[] };
    }
  | {
      type: 'delayNode';
      name?: string | null;
      data: { delayType: 'FIXED'; fixedDelay: number } | { delayType: 'RANDOM'; randomDelay: { min: number; max: number } };
      children: LegacyTreeNode[];
    };

const nodes = z.lazy(() => z.array(LegacyTreeNodeSchema).default([]));

const requestData = z
  .object({
    url: z.string({ error: 'required: the absolute URL' }).refine(isHttpUrl, 'must be an absolute http:// or https:// URL'),
    body: z.string({ error: 'must be a string (the text the request sends)' }).nullish(),
  })
  .loose();
/** GET and DELETE send no body: one left in `data` (the front end keeps it when the type changes) is ignored. */
const bodilessData = requestData.omit({ body: true });

const requestNode = (type: RequestType) =>
  z
    .object({ type: z.literal(type), name: nodeName, data: type === 'postRequest' || type === 'putRequest' ? requestData : bodilessData, children: nodes })
    .loose();

export const LegacyTreeNodeSchema: z.ZodType<LegacyTreeNode, unknown> = z
  .discriminatedUnion(
    'type',
    [
      z.object({ type: z.literal('startNode'), name: nodeName, children: nodes }).loose(),
      z.object({ type: z.literal('stopNode'), name: nodeName, children: nodes }).loose(),
      requestNode('getRequest'),
      requestNode('postRequest'),
      requestNode('putRequest'),
      requestNode('deleteRequest'),
      z
        .object({
          type: z.literal('ifCondition'),
          name: nodeName,
          data: z
            .object({
              field: z.enum(['response_code', 'response_time', 'response_size'], { error: 'must be response_code, response_time or response_size' }),
              condition: z.enum(['equals', 'not_equals', 'greater_than', 'less_than'], { error: 'must be equals, not_equals, greater_than or less_than' }),
              value: numberText('a number'),
            })
            .loose(),
          children: nodes,
          conditions: z.object({ trueChildren: nodes, falseChildren: nodes }).loose().default({ trueChildren: [], falseChildren: [] }),
        })
        .loose(),
      z
        .object({
          type: z.literal('delayNode'),
          name: nodeName,
          data: z.discriminatedUnion(
            'delayType',
            [
              z.object({ delayType: z.literal('FIXED'), fixedDelay: delayMs }).loose(),
              z
                .object({
                  delayType: z.literal('RANDOM'),
                  randomDelay: z
                    .object({ min: delayMs, max: delayMs })
                    .loose()
                    .refine((d) => d.min <= d.max, { path: ['max'], message: 'must be at least min' }),
                })
                .loose(),
            ],
            { error: 'delayType must be FIXED (with fixedDelay) or RANDOM (with randomDelay: { min, max })' },
          ),
          children: nodes,
        })
        .loose(),
    ],
    { error: (issue) => unknownType(issue.input) },
  )
  .meta({ id: 'LegacyTreeNode', description: "A node of the old tool's tree: `{ name, type, data, children, conditions? }`." });

function unknownType(input: unknown): string {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return 'must be a node: an object with a type';
  const { type } = input as { type?: unknown };
  return `${type === undefined ? 'no type' : `unknown node type ${JSON.stringify(type)}`} (expected ${LEGACY_NODE_TYPES.join(', ')})`;
}

/** Counts the nodes and the nesting of a document before it is parsed, so that a huge or deep one is refused, not recursed into. */
function checkSize(testPlan: unknown, ctx: z.RefinementCtx): void {
  let count = 0;
  const pending: { value: unknown; depth: number }[] = [{ value: testPlan, depth: 0 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (!Array.isArray(value)) continue;
    for (const node of value) {
      if (++count > MAX_NODES) {
        ctx.addIssue({ code: 'custom', path: ['testPlan'], message: `holds more than ${MAX_NODES} nodes` });
        return;
      }
      if (depth >= MAX_DEPTH) {
        ctx.addIssue({ code: 'custom', path: ['testPlan'], message: `nodes are nested more than ${MAX_DEPTH} deep` });
        return;
      }
      if (node === null || typeof node !== 'object') continue;
      const { children, conditions } = node as { children?: unknown; conditions?: { trueChildren?: unknown; falseChildren?: unknown } | null };
      pending.push({ value: children, depth: depth + 1 });
      if (conditions !== null && typeof conditions === 'object')
        pending.push({ value: conditions.trueChildren, depth: depth + 1 }, { value: conditions.falseChildren, depth: depth + 1 });
    }
  }
}

/** Checks what the node schemas cannot: one startNode at the root, none below it, and a request to send. */
function checkTree(testPlan: readonly LegacyTreeNode[], ctx: z.RefinementCtx): void {
  const starts = testPlan.flatMap((node, i) => (node.type === 'startNode' ? [i] : []));
  if (starts.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['testPlan'], message: 'no startNode: the tree starts at a node of type startNode' });
    return;
  }
  for (const i of starts.slice(1))
    ctx.addIssue({ code: 'custom', path: ['testPlan', i, 'type'], message: `a second startNode (the first is testPlan[${starts[0]}])` });
  let requests = 0;
  const visit = (node: LegacyTreeNode, path: PropertyKey[], root: boolean) => {
    if (node.type === 'startNode' && !root) ctx.addIssue({ code: 'custom', path: [...path, 'type'], message: 'a startNode is only at the root of the tree' });
    if (node.type in LEGACY_REQUEST_TYPES) requests++;
    node.children.forEach((child, i) => visit(child, [...path, 'children', i], false));
    if (node.type === 'ifCondition') {
      node.conditions.trueChildren.forEach((child, i) => visit(child, [...path, 'conditions', 'trueChildren', i], false));
      node.conditions.falseChildren.forEach((child, i) => visit(child, [...path, 'conditions', 'falseChildren', i], false));
    }
  };
  visit(testPlan[starts[0]!]!, ['testPlan', starts[0]!], true);
  if (requests === 0)
    ctx.addIssue({
      code: 'custom',
      path: ['testPlan', starts[0]!],
      message: 'no request node (getRequest, postRequest, putRequest, deleteRequest) under the startNode',
    });
}

const documentShape = z
  .object({
    testPlan: z.array(LegacyTreeNodeSchema, { error: 'required: the tree, a list of nodes from the startNode' }),
    /** The canvas (nodes, edges, viewport): the tree already says what runs. */
    reactFlow: z.unknown().optional(),
  })
  .loose();

/**
 * A plan the old tool's front end saved: `{ testPlan, reactFlow }`, or the
 * bare `testPlan` array (read as `{ testPlan }`: problems are named
 * `testPlan[0]…` either way).
 */
export const LegacyPlanSchema = z
  .preprocess(
    (input, ctx) => {
      const document = Array.isArray(input) ? { testPlan: input } : input;
      if (document !== null && typeof document === 'object') checkSize((document as { testPlan?: unknown }).testPlan, ctx);
      return document;
    },
    documentShape.superRefine((document, ctx) => checkTree(document.testPlan, ctx)),
  )
  .meta({
    id: 'LegacyPlan',
    description:
      'A plan saved by the old tool\'s front end: `{ "testPlan": [TreeNode], "reactFlow": { nodes, edges, viewport } }` (reactFlow is ignored), or the bare testPlan array. ' +
      'TreeNode = `{ name, type, data, children, conditions?: { trueChildren, falseChildren } }`; types: startNode (the root), stopNode, getRequest, postRequest, putRequest, deleteRequest, ifCondition, delayNode.',
  });
export type LegacyPlan = z.input<typeof LegacyPlanSchema>;

export interface LegacyImportOptions {
  /** The plan's name; by default `Legacy plan (host)`. */
  name?: string;
}

const FIELDS = { response_code: 'status', response_time: 'latencyMs', response_size: 'size' } as const satisfies Record<string, Condition['on']>;
const OPS = { equals: 'equals', not_equals: 'notEquals', greater_than: 'greaterThan', less_than: 'lessThan' } as const satisfies Record<
  string,
  Condition['op']
>;

/**
 * The flow as the tree walks it, before stopNodes are resolved: steps, stops,
 * and ifs whose branches are flows too. `source` is the node's path.
 */
type Entry =
  | { kind: 'step'; step: Step; source: string }
  | { kind: 'stop' }
  | { kind: 'if'; name?: string; condition: Condition; then: Entry[]; else: Entry[]; source: string };

/**
 * A plan the old tool saved, as a plan: the tree is walked depth first from
 * its startNode (a node, then its children in order); requests become HTTP
 * steps, delays think steps, an ifCondition an `if` whose `then` and `else` are
 * its trueChildren and falseChildren (its own children follow it, whichever
 * branch ran). A stopNode ends the iteration: the plan format has no such step,
 * so what follows an `if` one of whose branches stops is moved into its
 * branches, run only where no stop came first. The base URL is the most
 * common origin of the requests.
 *
 * Throws a {@link PlanImportError} naming each problem at its path
 * (`testPlan[0].children[2].data.url`).
 */
export function planFromLegacyDocument(input: unknown, options: LegacyImportOptions = {}): Plan {
  const parsed = LegacyPlanSchema.safeParse(input);
  if (!parsed.success) throw PlanImportError.fromZod('invalid legacy plan', parsed.error);
  const { testPlan } = parsed.data;
  const startAt = testPlan.findIndex((node) => node.type === 'startNode');
  const start = testPlan[startAt]!;

  const origins = new Map<string, number>();
  const countOrigins = (node: LegacyTreeNode) => {
    if (node.type in LEGACY_REQUEST_TYPES) {
      const origin = new URL((node as Extract<LegacyTreeNode, { type: RequestType }>).data.url).origin;
      origins.set(origin, (origins.get(origin) ?? 0) + 1);
    }
    for (const child of childrenOf(node)) countOrigins(child);
  };
  countOrigins(start);
  // The most common origin; between equals, the first met (Map keeps insertion order).
  const baseOrigin = [...origins].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];

  const names = new StepNames();
  const walk = (list: readonly LegacyTreeNode[], at: string): Entry[] => list.flatMap((node, i) => entriesOf(node, `${at}[${i}]`));
  const entriesOf = (node: LegacyTreeNode, path: string): Entry[] => {
    const label = labelOf(node);
    const following = walk(node.children, `${path}.children`);
    switch (node.type) {
      case 'startNode':
        return following;
      case 'stopNode':
        // Nothing after a stop runs, its children neither.
        return [{ kind: 'stop' }];
      case 'delayNode': {
        const think = node.data.delayType === 'FIXED' ? { ms: node.data.fixedDelay } : { minMs: node.data.randomDelay.min, maxMs: node.data.randomDelay.max };
        return [{ kind: 'step', step: thinkStep(think, label), source: path }, ...following];
      }
      case 'ifCondition': {
        const condition: Condition = { on: FIELDS[node.data.field], op: OPS[node.data.condition], value: node.data.value };
        const branches = {
          then: walk(node.conditions.trueChildren, `${path}.conditions.trueChildren`),
          else: walk(node.conditions.falseChildren, `${path}.conditions.falseChildren`),
        };
        return [{ kind: 'if', ...(label === undefined ? {} : { name: label }), condition, ...branches, source: path }, ...following];
      }
      default: {
        const method = LEGACY_REQUEST_TYPES[node.type];
        const split = splitUrl(node.data.url, baseOrigin);
        const body = node.type === 'postRequest' || node.type === 'putRequest' ? legacyBody(node.data.body) : undefined;
        const step = httpStep({
          name: names.take(label ?? `${method} ${split.label}`),
          method,
          url: split.url,
          query: split.query,
          ...(body?.contentType === undefined ? {} : { headers: { 'content-type': body.contentType } }),
          ...(body === undefined ? {} : { body: body.body }),
        });
        return [{ kind: 'step', step, source: path }, ...following];
      }
    }
  };

  const sources = new Map<string, string>();
  const seen = new Set<string>();
  let emitted = 0;
  /** The steps of a flow, up to the first stop on each of its paths. */
  const resolve = (entries: readonly Entry[], at: string): Step[] => {
    const steps: Step[] = [];
    const push = (step: Step, source: string) => {
      if (++emitted > MAX_COPIED_STEPS)
        throw PlanImportError.fromIssues('invalid legacy plan', [
          {
            path: 'testPlan',
            message: `copying the steps that follow an ifCondition with a stopNode into its branches makes more than ${MAX_COPIED_STEPS} steps`,
          },
        ]);
      if (steps.length === MAX_STEPS)
        throw PlanImportError.fromIssues('invalid legacy plan', [
          { path: at, message: `makes more than ${MAX_STEPS} steps in one list (from ${source} on), and a plan's list holds at most ${MAX_STEPS}` },
        ]);
      sources.set(`${at}[${steps.length}]`, source);
      steps.push(step);
    };
    for (const [i, entry] of entries.entries()) {
      if (entry.kind === 'stop') return steps;
      if (entry.kind === 'step') {
        push(uniquelyNamed(entry.step, seen, names), entry.source);
        continue;
      }
      const path = `${at}[${steps.length}]`;
      const head = { kind: 'if' as const, ...(entry.name === undefined ? {} : { name: entry.name }), condition: entry.condition };
      if (!stops(entry)) {
        push({ ...head, then: resolve(entry.then, `${path}.then`), else: resolve(entry.else, `${path}.else`) }, entry.source);
        continue;
      }
      // A branch stops somewhere: what follows the if runs at the ends of its branches, where no stop came first.
      const rest = entries.slice(i + 1);
      push({ ...head, then: resolve([...entry.then, ...rest], `${path}.then`), else: resolve([...entry.else, ...rest], `${path}.else`) }, entry.source);
      return steps;
    }
    return steps;
  };
  const steps = resolve(walk(start.children, `testPlan[${startAt}].children`), 'steps');

  const name = options.name ?? `Legacy plan (${new URL(baseOrigin).host})`;
  return finishPlan({ name, baseUrl: baseOrigin, steps, sources }, 'legacy plan');
}

function childrenOf(node: LegacyTreeNode): LegacyTreeNode[] {
  return node.type === 'ifCondition' ? [...node.children, ...node.conditions.trueChildren, ...node.conditions.falseChildren] : node.children;
}

/** The node's name, unless it is empty or only its type (then the step is named after its request). */
function labelOf(node: LegacyTreeNode): string | undefined {
  const name = node.name?.replace(/\s+/g, ' ').trim();
  return name === undefined || name === '' || name === node.type ? undefined : name.slice(0, 200).trim();
}

/** Whether a stop is met anywhere in an if's branches. */
function stops(entry: Extract<Entry, { kind: 'if' }>): boolean {
  return [...entry.then, ...entry.else].some((e) => e.kind === 'stop' || (e.kind === 'if' && stops(e)));
}

/**
 * A step copied into both branches of an `if` (see {@link planFromLegacyDocument})
 * appears twice: the copy of an HTTP step gets a name of its own (`GET /x (2)`),
 * as the plan format wants HTTP step names unique.
 */
function uniquelyNamed(step: Step, seen: Set<string>, names: StepNames): Step {
  if (step.kind !== 'http') return step;
  if (!seen.has(step.name)) {
    seen.add(step.name);
    return step;
  }
  const name = names.take(step.name);
  seen.add(name);
  return { ...step, name };
}

/**
 * A request's body: JSON when the text parses as JSON (sent as `application/json`,
 * the plan's default), else the text as `text/plain`. No text, no body.
 */
function legacyBody(text: string | null | undefined): { body: RequestBody; contentType?: string } | undefined {
  if (text === undefined || text === null || text.trim() === '') return undefined;
  const json = parseJson(text);
  return json.ok ? { body: { json: json.value } } : { body: { text }, contentType: 'text/plain' };
}
