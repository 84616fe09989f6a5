import type { Condition, HttpMethod, Plan, Step } from '@loadtest/protocol';
import { z } from 'zod';
import { convertBody, finishPlan, headerName, isHttpUrl, JSON_TYPE, splitUrl, StepNames } from './common.js';
import { PlanImportError } from './errors.js';
import { httpStep, thinkStep } from './steps.js';

/*
 * The old tool's visual plans, as it exported them: a flat list of nodes that
 * point at each other by id (a tree drawn on a canvas).
 *
 *   {
 *     "name": "Checkout",
 *     "nodes": [
 *       { "id": "n1", "type": "start", "next": "n2" },
 *       { "id": "n2", "type": "postRequest", "label": "Log in", "data": { "url": "https://shop.example.com/api/login", "body": { "user": "demo" } }, "next": "n3" },
 *       { "id": "n3", "type": "delayNode", "data": { "delayType": "FIXED", "ms": 1000 }, "next": "n4" },
 *       { "id": "n4", "type": "ifCondition", "data": { "field": "response_code", "condition": "equals", "value": 200 }, "trueBranch": "n5", "falseBranch": "n6" },
 *       { "id": "n5", "type": "getRequest", "data": { "url": "https://shop.example.com/api/cart" }, "next": "n7" },
 *       { "id": "n6", "type": "delayNode", "data": { "delayType": "RANDOM", "min": 500, "max": 2000 }, "next": null },
 *       { "id": "n7", "type": "stop" }
 *     ]
 *   }
 *
 * - `id`: a string or an integer, unique in the tree; `label` (optional) names the step.
 * - `start`: the root, exactly one; `next` is the first node of the flow.
 * - `getRequest`, `postRequest`, `putRequest`, `deleteRequest`: `data.url` (absolute http/https), `data.body`
 *   (optional: an object or array, or a string holding JSON or text), `data.headers` (optional); then `next`.
 * - `delayNode`: `data` is `{ "delayType": "FIXED", "ms": 1500 }` or `{ "delayType": "RANDOM", "min": 500, "max": 2000 }` (ms); then `next`.
 * - `ifCondition`: `data.field` (`response_code`, `response_time`, `response_size`), `data.condition`
 *   (`equals`, `not_equals`, `greater_than`, `less_than`), `data.value` (an integer); it goes on through
 *   `trueBranch` and `falseBranch` (either may be null: an empty branch), never `next`.
 * - `stop`: ends its branch. A node with no `next` (null or absent) ends its branch too.
 * Other keys (positions on the canvas, colours…) are accepted and ignored, and so are nodes
 * that cannot be reached from `start`. Each node has at most one parent; a cycle is an error.
 */

const nodeId = z.union([z.string().min(1), z.int()]);
/** The id of the node a branch goes on with; null or absent ends the branch. */
const nodeRef = nodeId.nullable().optional();
const label = z.string().trim().min(1).max(200).optional();

export const LEGACY_REQUEST_TYPES = { getRequest: 'GET', postRequest: 'POST', putRequest: 'PUT', deleteRequest: 'DELETE' } as const satisfies Record<string, HttpMethod>;
export const LEGACY_NODE_TYPES = ['start', 'stop', ...(Object.keys(LEGACY_REQUEST_TYPES) as (keyof typeof LEGACY_REQUEST_TYPES)[]), 'delayNode', 'ifCondition'] as const;

const RequestDataSchema = z
  .object({
    url: z.string().refine(isHttpUrl, 'must be an absolute http:// or https:// URL'),
    body: z.unknown().optional(),
    headers: z.record(z.string().min(1), z.string()).optional(),
  })
  .loose();

const requestNode = <T extends keyof typeof LEGACY_REQUEST_TYPES>(type: T) => z.object({ id: nodeId, type: z.literal(type), label, data: RequestDataSchema, next: nodeRef }).loose();

const delayMs = z.number().min(0).max(3_600_000);

export const LegacyNodeSchema = z
  .discriminatedUnion(
    'type',
    [
      z.object({ id: nodeId, type: z.literal('start'), next: nodeRef }).loose(),
      z.object({ id: nodeId, type: z.literal('stop'), next: z.null({ error: 'a stop node ends its branch: it has no next' }).optional() }).loose(),
      requestNode('getRequest'),
      requestNode('postRequest'),
      requestNode('putRequest'),
      requestNode('deleteRequest'),
      z
        .object({
          id: nodeId,
          type: z.literal('delayNode'),
          label,
          data: z.discriminatedUnion(
            'delayType',
            [
              z.object({ delayType: z.literal('FIXED'), ms: delayMs }).loose(),
              z
                .object({ delayType: z.literal('RANDOM'), min: delayMs, max: delayMs })
                .loose()
                .refine((d) => d.min <= d.max, { path: ['max'], message: 'must be at least min' }),
            ],
            { error: 'delayType must be FIXED (with ms) or RANDOM (with min and max)' },
          ),
          next: nodeRef,
        })
        .loose(),
      z
        .object({
          id: nodeId,
          type: z.literal('ifCondition'),
          label,
          data: z
            .object({
              field: z.enum(['response_code', 'response_time', 'response_size'], { error: 'must be response_code, response_time or response_size' }),
              condition: z.enum(['equals', 'not_equals', 'greater_than', 'less_than'], { error: 'must be equals, not_equals, greater_than or less_than' }),
              value: z.int({ error: 'must be an integer' }),
            })
            .loose(),
          trueBranch: nodeRef,
          falseBranch: nodeRef,
          next: z.null({ error: 'an ifCondition goes on through trueBranch and falseBranch, not next' }).optional(),
        })
        .loose(),
    ],
    { error: (issue) => unknownType(issue.input) },
  )
  .meta({ id: 'LegacyNode' });
export type LegacyNode = z.infer<typeof LegacyNodeSchema>;

function unknownType(input: unknown): string {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return 'must be a node: an object with id and type';
  const { id, type } = input as { id?: unknown; type?: unknown };
  const who = typeof id === 'string' || typeof id === 'number' ? `node "${id}"` : 'node without an id';
  return `${who}: ${type === undefined ? 'no type' : `unknown type ${JSON.stringify(type)}`} (expected ${LEGACY_NODE_TYPES.join(', ')})`;
}

/** The branches a node goes on with, in the order a virtual user meets them. */
function branches(node: LegacyNode): ['next' | 'trueBranch' | 'falseBranch', string][] {
  const out: ['next' | 'trueBranch' | 'falseBranch', string][] = [];
  if (node.type === 'ifCondition') {
    if (node.trueBranch != null) out.push(['trueBranch', String(node.trueBranch)]);
    if (node.falseBranch != null) out.push(['falseBranch', String(node.falseBranch)]);
  } else if (node.type !== 'stop' && node.next != null) {
    out.push(['next', String(node.next)]);
  }
  return out;
}

/** Checks that the nodes form a tree from one `start`: unique ids, known targets, no cycle, one parent each, and a request to send. */
function checkTree(nodes: readonly LegacyNode[], ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path: ['nodes', ...path], message });
  const position = new Map<string, number>();
  nodes.forEach((node, i) => {
    const id = String(node.id);
    const seen = position.get(id);
    if (seen !== undefined) issue([i, 'id'], `duplicate id "${id}" (also nodes[${seen}])`);
    else position.set(id, i);
  });
  const starts = nodes.filter((node) => node.type === 'start');
  if (starts.length === 0) issue([], 'no start node');
  starts.slice(1).forEach((node) => issue([nodes.indexOf(node), 'type'], `node "${node.id}": a second start node (the first is "${starts[0]!.id}")`));
  nodes.forEach((node, i) => {
    for (const [field, target] of branches(node)) {
      if (!position.has(target)) issue([i, field], `node "${node.id}": ${field} refers to no node ("${target}")`);
    }
  });
  if (starts.length !== 1 || position.size !== nodes.length || nodes.some((node) => branches(node).some(([, target]) => !position.has(target)))) return;

  const byId = (id: string) => nodes[position.get(id)!]!;
  const parent = new Map<string, string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  let requests = 0;
  const visit = (node: LegacyNode) => {
    const id = String(node.id);
    if (node.type in LEGACY_REQUEST_TYPES) requests++;
    path.push(id);
    onPath.add(id);
    for (const [field, target] of branches(node)) {
      if (onPath.has(target)) {
        const cycle = [...path.slice(path.indexOf(target)), target].map((n) => `"${n}"`).join(' → ');
        issue([position.get(id)!, field], `node "${id}": ${field} goes back to "${target}", a cycle: ${cycle}`);
      } else if (parent.has(target)) {
        issue([position.get(id)!, field], `node "${target}" is reached from both "${parent.get(target)}" and "${id}": each node has one parent in a legacy tree`);
      } else {
        parent.set(target, id);
        visit(byId(target));
      }
    }
    path.pop();
    onPath.delete(id);
  };
  visit(starts[0]!);
  if (requests === 0) issue([], `no request node can be reached from start "${starts[0]!.id}"`);
}

/** A plan of the old tool: its nodes, pointing at each other by id, from one `start`. See the package's README for the shape. */
export const LegacyTreeSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    nodes: z.array(LegacyNodeSchema).min(1, 'needs at least a start node').max(2000),
  })
  .loose()
  .superRefine((tree, ctx) => checkTree(tree.nodes, ctx))
  .meta({ id: 'LegacyTree', description: 'A plan of the old visual tool: nodes (start, stop, get/post/put/deleteRequest, delayNode, ifCondition) pointing at each other by id.' });
export type LegacyTree = z.input<typeof LegacyTreeSchema>;

export interface LegacyImportOptions {
  /** The plan's name; by default the tree's own, else `Legacy plan`. */
  name?: string;
}

const FIELDS = { response_code: 'status', response_time: 'latencyMs', response_size: 'size' } as const;
const OPS = { equals: 'equals', not_equals: 'notEquals', greater_than: 'greaterThan', less_than: 'lessThan' } as const;

/**
 * A legacy tree as a plan: requests become HTTP steps (named by their label, else
 * `METHOD /path`, made unique; the first request's origin is the `baseUrl`),
 * delays think steps (FIXED → `ms`, RANDOM → `minMs`/`maxMs`), an ifCondition an
 * `if` whose `then` and `else` are its two branches; `stop` ends a branch.
 *
 * Throws a {@link PlanImportError} naming the node (and its path) of each problem:
 * an unknown node type, a cycle, a missing target…
 */
export function planFromLegacyTree(tree: unknown, options: LegacyImportOptions = {}): Plan {
  const parsed = LegacyTreeSchema.safeParse(tree);
  if (!parsed.success) throw PlanImportError.fromZod('invalid legacy plan', parsed.error);
  const { nodes } = parsed.data;
  const byId = new Map(nodes.map((node) => [String(node.id), node]));
  const names = new StepNames();
  const sources = new Map<string, string>();
  let baseOrigin: string | undefined;

  const request = (node: Extract<LegacyNode, { type: keyof typeof LEGACY_REQUEST_TYPES }>): Step => {
    const method = LEGACY_REQUEST_TYPES[node.type];
    baseOrigin ??= new URL(node.data.url).origin;
    const split = splitUrl(node.data.url, baseOrigin);
    const headers = { ...node.data.headers };
    const body = legacyBody(node.data.body);
    if (body !== undefined) {
      const key = headerName(headers, 'content-type');
      const converted = convertBody(body.text, key === undefined ? body.contentType : headers[key]);
      if (key === undefined && !converted.defaultContentType) headers['content-type'] = body.contentType;
      return httpStep({ name: names.take(node.label ?? `${method} ${split.label}`), method, url: split.url, query: split.query, headers, body: converted.body });
    }
    return httpStep({ name: names.take(node.label ?? `${method} ${split.label}`), method, url: split.url, query: split.query, headers });
  };

  /** The steps of a branch, from its first node to a stop or a node with nowhere to go. */
  const branch = (first: string | number | null | undefined, at: string): Step[] => {
    const steps: Step[] = [];
    let id = first;
    while (id != null) {
      const node = byId.get(String(id))!;
      const path = `${at}[${steps.length}]`;
      sources.set(path, `node "${node.id}"`);
      const name = node.type !== 'start' && node.type !== 'stop' && node.label !== undefined && !(node.type in LEGACY_REQUEST_TYPES) ? names.take(node.label) : undefined;
      switch (node.type) {
        case 'start':
        case 'stop':
          // The tree check leaves `start` only at the root; `stop` ends the branch.
          return steps;
        case 'delayNode':
          steps.push(thinkStep(node.data.delayType === 'FIXED' ? { ms: node.data.ms } : { minMs: node.data.min, maxMs: node.data.max }, name));
          id = node.next;
          break;
        case 'ifCondition': {
          const condition: Condition = { on: FIELDS[node.data.field], op: OPS[node.data.condition], value: node.data.value };
          const then = branch(node.trueBranch, `${path}.then`);
          const otherwise = branch(node.falseBranch, `${path}.else`);
          steps.push({ kind: 'if', ...(name === undefined ? {} : { name }), condition, then, else: otherwise });
          return steps;
        }
        default:
          steps.push(request(node));
          id = node.next;
      }
    }
    return steps;
  };

  const start = nodes.find((node) => node.type === 'start')!;
  const steps = branch(start.type === 'start' ? start.next : undefined, 'steps');
  return finishPlan({ name: options.name ?? parsed.data.name ?? 'Legacy plan', baseUrl: baseOrigin!, steps, sources }, 'legacy plan');
}

/**
 * A legacy body as text and the content type it was sent with: an object or
 * array (or a string holding one) is JSON; other text is `text/plain`.
 */
function legacyBody(body: unknown): { text: string; contentType: string } | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (typeof body === 'string') {
    const trimmed = body.trim();
    const json = trimmed.startsWith('{') || trimmed.startsWith('[');
    return { text: body, contentType: json ? JSON_TYPE : 'text/plain' };
  }
  return { text: JSON.stringify(body), contentType: JSON_TYPE };
}
