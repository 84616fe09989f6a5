import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWorkflow, type Problem } from './problem.js';
import { ruleProblems } from './rules.js';
import { schemaProblems } from './schema-check.js';

export const WORKFLOWS_DIR = '.github/workflows';

/** One workflow file's text: YAML errors, or else the schema's problems and our rules' (`root`: the repository). */
export function checkWorkflow(file: string, text: string, root: string): Problem[] {
  const { workflow, problems } = parseWorkflow(file, text);
  if (!workflow) return problems;
  return [...schemaProblems(workflow), ...ruleProblems(workflow, root)].sort((a, b) => a.line - b.line);
}

/** The workflow files of a repository (`.github/workflows/*.yml|yaml`), by path from its root. */
export function workflowFiles(root: string): string[] {
  const dir = join(root, WORKFLOWS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${WORKFLOWS_DIR}/${name}`);
}

/** Every workflow of a repository; no workflow at all is a problem too, so that the check cannot pass on nothing. */
export function checkRepository(root: string): { files: string[]; problems: Problem[] } {
  const files = workflowFiles(root);
  if (files.length === 0) return { files, problems: [{ file: WORKFLOWS_DIR, path: '(top)', line: 0, rule: 'files', message: 'no workflow file' }] };
  return { files, problems: files.flatMap((file) => checkWorkflow(file, readFileSync(join(root, file), 'utf8'), root)) };
}
