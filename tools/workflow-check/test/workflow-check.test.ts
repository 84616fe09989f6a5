import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRepository, checkWorkflow, workflowFiles } from '../src/check.js';
import type { Problem } from '../src/problem.js';
import { loadWorkflowSchema, WORKFLOW_SCHEMA_ID } from '../src/schema.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CI = '.github/workflows/ci.yml';
const DEPLOY = '.github/workflows/deploy.yml';
const RELEASE = '.github/workflows/release.yml';
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The real file with `from` replaced by `to`, checked; `from` must be there, so that no case passes on an unchanged file. */
function broken(file: string, from: string | RegExp, to: string): { problems: Problem[]; text: string } {
  const original = read(file);
  const text = original.replace(from, to);
  expect(text).not.toBe(original);
  return { problems: checkWorkflow(file, text, ROOT), text };
}

/** The 1-based line of the first line of `text` that contains `needle`. */
const lineWith = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

describe('the workflow schema, from @action-validator/core', () => {
  it("is SchemaStore's github-workflow schema, with the jobs' shapes", () => {
    const schema = loadWorkflowSchema();
    expect(schema.$id).toBe(WORKFLOW_SCHEMA_ID);
    expect(Object.keys(schema.definitions)).toEqual(expect.arrayContaining(['normalJob', 'reusableWorkflowCallJob', 'expressionSyntax']));
    expect(Object.keys((schema.definitions['normalJob'] as { properties: object }).properties)).toEqual(
      expect.arrayContaining(['runs-on', 'timeout-minutes', 'environment', 'steps', 'permissions', 'concurrency']),
    );
  });
});

describe('.github/workflows', () => {
  it('has ci, release and deploy, each passing the schema and every rule', () => {
    const { files, problems } = checkRepository(ROOT);
    expect(files).toEqual([CI, DEPLOY, RELEASE]);
    expect(problems).toEqual([]);
  });

  it('ci runs .ci/run, checks the manifests and the workflows; release pushes the images on a tag; deploy applies an overlay from its environment', () => {
    expect(read(CI)).toMatch(/bash \.ci\/run/);
    expect(read(CI)).toMatch(/npm run k8s:check/);
    expect(read(CI)).toMatch(/npm run workflows:check/);
    expect(read(RELEASE)).toMatch(/tags: \['v\*'\]/);
    expect(read(RELEASE)).toMatch(/docker\/\$app\.Dockerfile/);
    expect(read(RELEASE)).toMatch(/packages: write/);
    expect(read(DEPLOY)).toMatch(/environment:\n\s+name: \$\{\{ inputs\.overlay \}\}/);
    expect(read(DEPLOY)).toMatch(/kubectl apply -k/);
    expect(read(DEPLOY)).toMatch(/rollout status/);
  });

  it('`npm run workflows:check` passes on this repository, and fails naming the file and the line on a broken copy', () => {
    const main = join(ROOT, 'tools/workflow-check/src/main.ts');
    const tsx = join(ROOT, 'node_modules/.bin/tsx');
    expect(execFileSync(tsx, [main], { encoding: 'utf8' })).toContain('3 workflow files, 0 problems');

    const copy = mkdtempSync(join(tmpdir(), 'workflow-check-'));
    try {
      mkdirSync(join(copy, '.github'));
      cpSync(join(ROOT, '.github/workflows'), join(copy, '.github/workflows'), { recursive: true });
      writeFileSync(join(copy, CI), read(CI).replace('timeout-minutes: 15', 'timeout-minutes: fifteen'));
      let output = '';
      let status = 0;
      try {
        execFileSync(tsx, [main, copy], { encoding: 'utf8' });
      } catch (error) {
        ({ stdout: output, status } = error as { stdout: string; status: number });
      }
      expect(status).toBe(1);
      expect(output).toContain(`${CI}:${lineWith(read(CI), 'timeout-minutes: 15')} jobs.workflows.timeout-minutes: [schema] must be number`);
      // The copy has no .ci/run and no deployments/: the rule on named files says so too.
      expect(output).toContain(`${CI}:${lineWith(read(CI), 'CI=true bash .ci/run')} jobs.ci-run.steps[4].run: [files] .ci/run does not exist`);
      expect(output).not.toMatch(/\.name: \[files\]/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);

  it('no workflow file at all is a problem, not a pass', () => {
    const empty = mkdtempSync(join(tmpdir(), 'workflow-check-'));
    try {
      expect(workflowFiles(empty)).toEqual([]);
      expect(checkRepository(empty).problems).toEqual([expect.objectContaining({ rule: 'files', message: 'no workflow file' })]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('catches deliberately broken workflows, naming the file, the path and the line', () => {
  it('a misspelled key (runs-on → run-on): unknown key, and runs-on missing', () => {
    const { problems, text } = broken(CI, 'runs-on: ubuntu-24.04', 'run-on: ubuntu-24.04');
    const line = lineWith(text, 'run-on:');
    expect(problems).toEqual([
      { file: CI, path: 'jobs.workflows.runs-on', line: line - 2, rule: 'schema', message: 'missing required key "runs-on"' },
      { file: CI, path: 'jobs.workflows.run-on', line, rule: 'schema', message: 'unknown key "run-on"' },
    ]);
  });

  it('a misspelled top-level key and event (permisions, pull_requests)', () => {
    const { problems } = broken(CI, /permissions:\n {2}contents: read/, 'permisions:\n  contents: read');
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: CI, path: 'permisions', rule: 'schema', message: 'unknown key "permisions"' }),
        expect.objectContaining({ file: CI, path: 'permissions', rule: 'permissions' }),
      ]),
    );
    const events = broken(CI, '  pull_request:\n', '  pull_requests:\n').problems;
    expect(events).toEqual([expect.objectContaining({ file: CI, path: 'on.pull_requests', rule: 'schema', message: 'unknown key "pull_requests"' })]);
  });

  it('a wrong type: a word for timeout-minutes, a string for steps', () => {
    const { problems, text } = broken(RELEASE, 'timeout-minutes: 45', 'timeout-minutes: forty-five');
    expect(problems).toEqual([
      {
        file: RELEASE,
        path: 'jobs.images.timeout-minutes',
        line: lineWith(text, 'forty-five'),
        rule: 'schema',
        message: 'must be number, or a ${{ }} expression',
      },
    ]);
    const steps = broken(
      DEPLOY,
      /steps:\n {6}- name: version\n(.*\n)*? {6}- uses: actions\/setup-node/,
      'steps: npm ci\n    foo:\n      - uses: actions/setup-node',
    );
    expect(steps.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: DEPLOY, path: 'jobs.check.steps', rule: 'schema', message: 'must be array' }),
        expect.objectContaining({ file: DEPLOY, path: 'jobs.check.foo', rule: 'schema', message: 'unknown key "foo"' }),
      ]),
    );
  });

  it('a value outside an enum (a permission level)', () => {
    const { problems } = broken(RELEASE, 'packages: write', 'packages: writ');
    expect(problems).toEqual([expect.objectContaining({ file: RELEASE, path: 'jobs.images.permissions.packages', rule: 'schema' })]);
    expect(problems[0]!.message).toMatch(/must be one of .*"write"/);
  });

  it('an action on a branch, on a major tag, with no version: unpinned', () => {
    const { problems, text } = broken(
      CI,
      'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0\n        with:\n          persist-credentials: false\n      - uses: actions/setup-node@a0853c24544627f65ddf259abe73b1d18a591444 # v5.0.0',
      'actions/checkout@main\n        with:\n          persist-credentials: false\n      - uses: actions/setup-node@v5',
    );
    expect(problems).toEqual([
      expect.objectContaining({ file: CI, path: 'jobs.workflows.steps[0].uses', line: lineWith(text, 'checkout@main'), rule: 'pinned' }),
      expect.objectContaining({ file: CI, path: 'jobs.workflows.steps[1].uses', line: lineWith(text, 'setup-node@v5'), rule: 'pinned' }),
    ]);
    expect(problems[0]!.message).toContain('"main" is a branch or a moving tag');
    const bare = broken(CI, 'actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02', 'actions/upload-artifact').problems;
    expect(bare).toEqual([
      expect.objectContaining({ path: 'jobs.ci-run.steps[5].uses', rule: 'pinned', message: expect.stringContaining('names no version') }),
    ]);
  });

  it('an exact version passes; a service image on latest does not', () => {
    expect(broken(CI, 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8', 'actions/checkout@v5.0.0').problems).toEqual([]);
    const { problems } = broken(CI, '    timeout-minutes: 100\n', '    timeout-minutes: 100\n    services:\n      rabbitmq:\n        image: rabbitmq:latest\n');
    expect(problems).toEqual([
      expect.objectContaining({ path: 'jobs.ci-run.services.rabbitmq', rule: 'pinned', message: expect.stringContaining('not pinned') }),
    ]);
  });

  it('a job without timeout-minutes', () => {
    const { problems, text } = broken(DEPLOY, '    timeout-minutes: 30\n', '');
    expect(problems).toEqual([
      {
        file: DEPLOY,
        path: 'jobs.deploy.timeout-minutes',
        line: lineWith(text, '  deploy:'),
        rule: 'timeout',
        message: expect.stringContaining('job deploy sets no timeout-minutes'),
      },
    ]);
  });

  it('a deploy job outside a protected environment', () => {
    const { problems } = broken(DEPLOY, / {4}environment:\n {6}name: .*\n/, '');
    expect(problems).toEqual([
      expect.objectContaining({ file: DEPLOY, path: expect.stringMatching(/^jobs\.deploy\.steps\[\d+\]\.run$/), rule: 'environment' }),
    ]);
  });

  it('top-level permissions that are missing or write', () => {
    expect(broken(RELEASE, /\npermissions:\n {2}contents: read\n/, '\n').problems).toEqual([
      expect.objectContaining({ file: RELEASE, path: 'permissions', rule: 'permissions' }),
    ]);
    expect(broken(RELEASE, /\npermissions:\n {2}contents: read\n/, '\npermissions:\n  contents: write\n').problems).toEqual([
      expect.objectContaining({ path: 'permissions', rule: 'permissions', message: expect.stringContaining('grants write') }),
    ]);
  });

  it('an overlay that does not exist, one not offered, a script that does not exist, a job needed that does not exist', () => {
    const overlays = broken(DEPLOY, 'options: [dev, production, digitalocean]', 'options: [dev, prod]').problems;
    expect(overlays).toEqual([
      expect.objectContaining({
        path: 'on.workflow_dispatch.inputs.overlay.options[1]',
        rule: 'files',
        message: 'option "prod" is not an overlay of deployments/k8s/overlays',
      }),
      expect.objectContaining({ path: 'on.workflow_dispatch.inputs.overlay.options', rule: 'files', message: 'overlay "digitalocean" is not offered' }),
      expect.objectContaining({ path: 'on.workflow_dispatch.inputs.overlay.options', rule: 'files', message: 'overlay "production" is not offered' }),
    ]);
    const notChoice = broken(DEPLOY, / {8}type: choice\n {8}options: .*\n/, '        type: string\n').problems;
    expect(notChoice).toEqual([
      expect.objectContaining({ path: 'on.workflow_dispatch.inputs.overlay', rule: 'files', message: expect.stringContaining('make it a choice') }),
    ]);
    const script = broken(CI, 'CI=true bash .ci/run', 'CI=true bash .ci/runn').problems;
    expect(script).toEqual([expect.objectContaining({ file: CI, path: 'jobs.ci-run.steps[4].run', rule: 'files', message: '.ci/runn does not exist' })]);
    const literal = broken(CI, 'run: npm run k8s:check', 'run: kubectl kustomize deployments/k8s/overlays/staging').problems;
    expect(literal).toEqual([expect.objectContaining({ rule: 'files', message: 'deployments/k8s/overlays/staging does not exist' })]);
    const needs = broken(DEPLOY, 'needs: check', 'needs: checks').problems;
    expect(needs).toEqual([expect.objectContaining({ path: 'jobs.deploy.needs', rule: 'needs', message: expect.stringContaining('"checks"') })]);
  });

  it('a YAML error: its line, and nothing else checked', () => {
    const { problems, text } = broken(RELEASE, "tags: ['v*']", "tags: ['v*'");
    expect(problems).toEqual([expect.objectContaining({ file: RELEASE, path: '(yaml)', rule: 'yaml' })]);
    expect(problems[0]!.line).toBeGreaterThanOrEqual(lineWith(text, "tags: ['v*'"));
  });
});
