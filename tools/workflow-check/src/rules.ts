import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { problemAt, type Problem, type Segment, type Workflow } from './problem.js';

/** The parts of a workflow the rules read; everything optional and unknown-typed, since the file may be wrong. */
interface Job {
  uses?: unknown;
  'timeout-minutes'?: unknown;
  environment?: unknown;
  needs?: unknown;
  steps?: unknown;
  services?: unknown;
  container?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const entries = (value: unknown): [string, unknown][] => (isRecord(value) ? Object.entries(value) : []);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const SHA = /^[0-9a-f]{40}$/;
const EXACT_VERSION = /^v?\d+\.\d+\.\d+$/;
/** Commands that change a cluster: a job running one deploys, and must do it from a protected environment. */
const CLUSTER_CHANGE = /\bkubectl\b[^\n]*\s(apply|create|delete|replace|patch|scale|rollout\s+restart)\b/;
const OVERLAYS_DIR = 'deployments/k8s/overlays';

/** `owner/repo@ref`, `owner/repo/path@ref`, `./local`, `docker://image:tag`: a problem when the ref can move. */
function actionPinProblem(uses: string): string | undefined {
  if (uses.startsWith('./')) return undefined;
  if (uses.startsWith('docker://')) return imagePinProblem(uses.slice('docker://'.length));
  const at = uses.lastIndexOf('@');
  if (at < 0) return `${JSON.stringify(uses)} names no version: pin a commit SHA (the version in a comment)`;
  const ref = uses.slice(at + 1);
  if (SHA.test(ref) || EXACT_VERSION.test(ref)) return undefined;
  return `${JSON.stringify(uses)}: ${JSON.stringify(ref)} is a branch or a moving tag: pin a full commit SHA (the version in a comment), or at least an exact version vX.Y.Z`;
}

function imagePinProblem(image: string): string | undefined {
  if (image.includes('${{')) return undefined;
  if (image.includes('@sha256:')) return undefined;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  if (tag === undefined || tag === 'latest') return `image ${JSON.stringify(image)} is not pinned: a tag other than latest, or a digest`;
  return undefined;
}

/** Names and descriptions are prose for people: a path they mention is not a file the workflow uses. */
const PROSE = new Set(['name', 'description', 'run-name']);

/** Every string in a value that a workflow acts on, with its path: the scripts, the inputs of the actions, the environment. */
function strings(value: unknown, path: Segment[]): [Segment[], string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, i) => strings(item, [...path, i]));
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => (PROSE.has(key) ? [] : strings(item, [...path, key])));
  return [];
}

const overlaysIn = (root: string): string[] => {
  const dir = join(root, OVERLAYS_DIR);
  return existsSync(dir) ? readdirSync(dir).filter((entry) => statSync(join(dir, entry)).isDirectory()) : [];
};

/**
 * Our rules, which the schema does not check:
 * - `permissions`: the workflow sets top-level `permissions:`, read-only (a job that must write says so itself), so
 *   the token never gets the repository's default, which may be write-all;
 * - `timeout`: every job that runs steps sets `timeout-minutes` (the default is 6 hours of a hung runner);
 * - `pinned`: every action is pinned to a commit SHA or an exact version, never a branch or a major tag that moves;
 *   every service or container image has a tag other than latest, or a digest;
 * - `environment`: a job that changes a cluster (`kubectl apply`, …) runs in an `environment:`, whose protection rules
 *   (reviewers, branches) GitHub enforces, and which holds the cluster's credentials;
 * - `needs`: every job named in `needs` exists;
 * - `files`: the files and folders the workflows name exist: `.ci/…` scripts, overlays of deployments/k8s (named
 *   literally, through a `${{ inputs.x }}` in their path, or offered by an `overlay` input, which must offer them all).
 *   The images' Dockerfiles (docker/*.Dockerfile) are not checked: they come in another change; once they are in,
 *   a `docker/` rule here is one line.
 */
export function ruleProblems(workflow: Workflow, root: string): Problem[] {
  const problems: Problem[] = [];
  const add = (path: Segment[], rule: string, message: string, key?: string) => problems.push(problemAt(workflow, path, rule, message, key));
  const data = isRecord(workflow.data) ? workflow.data : {};

  const permissions = data['permissions'];
  if (permissions === undefined)
    add([], 'permissions', 'sets no top-level permissions: (the token would get the repository default): set read-only ones', 'permissions');
  else if (permissions === 'write-all' || entries(permissions).some(([, level]) => level === 'write'))
    add(['permissions'], 'permissions', 'grants write at the top level: grant it in the jobs that need it');

  const jobs = entries(data['jobs']);
  const jobIds = new Set(jobs.map(([id]) => id));
  for (const [id, value] of jobs) {
    if (!isRecord(value)) continue;
    const job = value as Job;
    const at: Segment[] = ['jobs', id];
    if (typeof job.uses === 'string') {
      const problem = actionPinProblem(job.uses);
      if (problem) add([...at, 'uses'], 'pinned', problem);
    } else if (job['timeout-minutes'] === undefined) {
      add(at, 'timeout', `job ${id} sets no timeout-minutes (a hung job would hold a runner for 6 hours)`, 'timeout-minutes');
    }
    for (const need of typeof job.needs === 'string' ? [job.needs] : list(job.needs))
      if (typeof need === 'string' && !jobIds.has(need)) add([...at, 'needs'], 'needs', `needs ${JSON.stringify(need)}, which is not a job of this workflow`);
    for (const [i, step] of list(job.steps).entries()) {
      if (!isRecord(step)) continue;
      if (typeof step['uses'] === 'string') {
        const problem = actionPinProblem(step['uses']);
        if (problem) add([...at, 'steps', i, 'uses'], 'pinned', problem);
      }
      if (typeof step['run'] === 'string' && CLUSTER_CHANGE.test(step['run']) && job.environment === undefined)
        add([...at, 'steps', i, 'run'], 'environment', `job ${id} changes a cluster (kubectl) but runs in no protected environment: set environment:`);
    }
    for (const [name, service] of entries(job.services)) {
      const image = isRecord(service) ? service['image'] : service;
      const problem = typeof image === 'string' ? imagePinProblem(image) : undefined;
      if (problem) add([...at, 'services', name], 'pinned', problem);
    }
    const container = isRecord(job.container) ? job.container['image'] : job.container;
    const problem = typeof container === 'string' ? imagePinProblem(container) : undefined;
    if (problem) add([...at, 'container'], 'pinned', problem);
  }

  problems.push(...fileProblems(workflow, root));
  return problems;
}

function fileProblems(workflow: Workflow, root: string): Problem[] {
  const problems: Problem[] = [];
  const data = isRecord(workflow.data) ? workflow.data : {};
  const on = isRecord(data['on']) ? data['on'] : {};
  const inputs = isRecord(on['workflow_dispatch']) && isRecord(on['workflow_dispatch']['inputs']) ? on['workflow_dispatch']['inputs'] : {};
  const overlays = overlaysIn(root);
  const inputPath = ['on', 'workflow_dispatch', 'inputs'];
  const checkedInputs = new Set<string>();

  /** An input whose value is an overlay's name: a choice, each option an overlay. */
  const checkOverlayInput = (name: string, all: boolean) => {
    if (checkedInputs.has(name)) return;
    checkedInputs.add(name);
    const input = inputs[name];
    if (!isRecord(input)) {
      problems.push(problemAt(workflow, inputPath, 'files', `names the overlay by input ${JSON.stringify(name)}, which is not an input of workflow_dispatch`));
      return;
    }
    if (input['type'] !== 'choice') {
      problems.push(problemAt(workflow, [...inputPath, name], 'files', `input ${name} names an overlay: make it a choice of ${overlays.join(', ')}`));
      return;
    }
    const options = list(input['options']).map(String);
    for (const [i, option] of options.entries())
      if (!overlays.includes(option))
        problems.push(
          problemAt(workflow, [...inputPath, name, 'options', i], 'files', `option ${JSON.stringify(option)} is not an overlay of ${OVERLAYS_DIR}`),
        );
    if (all)
      for (const overlay of overlays)
        if (!options.includes(overlay))
          problems.push(problemAt(workflow, [...inputPath, name, 'options'], 'files', `overlay ${JSON.stringify(overlay)} is not offered`));
  };

  if (inputs['overlay'] !== undefined) checkOverlayInput('overlay', true);
  for (const [path, text] of strings(data, [])) {
    for (const match of text.matchAll(/(?<![\w./-])\.ci\/[\w.-]+/g))
      if (!existsSync(join(root, match[0]))) problems.push(problemAt(workflow, path, 'files', `${match[0]} does not exist`));
    for (const match of text.matchAll(/deployments\/k8s\/overlays\/(?:([\w-]+)|\$\{\{\s*(?:github\.event\.)?inputs\.([\w-]+)\s*\}\})/g)) {
      if (match[1] !== undefined && !overlays.includes(match[1])) problems.push(problemAt(workflow, path, 'files', `${match[0]} does not exist`));
      if (match[2] !== undefined) checkOverlayInput(match[2], false);
    }
  }
  return problems;
}
