import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const WORKFLOW_SCHEMA_ID = 'https://json.schemastore.org/github-workflow.json';

/** The parts of a JSON schema this tool reads; the rest is ajv's business. */
export interface JsonSchema {
  $id: string;
  $schema?: string;
  definitions: Record<string, unknown>;
  properties: Record<string, unknown>;
  [keyword: string]: unknown;
}

/**
 * SchemaStore's github-workflow.json, as @action-validator/core (pinned exactly in package.json) ships it.
 *
 * No npm package ships that schema as a file, and CI reaches no host but the npm registry, so it is taken from the
 * one package that carries it: action-validator compiles SchemaStore's schemas into its WebAssembly module as plain
 * JSON texts, one after the other, each starting with "{" and ending with "}" alone on a line. We find the text whose
 * `$id` is the workflow schema's and parse it; its own validator is not used, so that ajv's errors (JSON pointers,
 * keywords) can be turned into short messages. A new version of the package that stores the schema differently makes
 * this throw, never pass quietly.
 */
export function loadWorkflowSchema(): JsonSchema {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve('@action-validator/core/action_validator_bg.wasm'));
  const id = wasm.indexOf(`"$id": "${WORKFLOW_SCHEMA_ID}"`);
  if (id < 0) throw new Error(`@action-validator/core: no schema with $id ${WORKFLOW_SCHEMA_ID} in its WebAssembly module`);
  const start = wasm.lastIndexOf('\n{\n', id) + 1;
  // The schema is indented: the first "}" at the start of a line closes it.
  const end = wasm.indexOf('\n}', id) + 2;
  if (start <= 0 || end <= 1) throw new Error('@action-validator/core: the workflow schema is not stored as a JSON text');
  const schema = JSON.parse(wasm.subarray(start, end).toString('utf8')) as JsonSchema;
  if (schema.$id !== WORKFLOW_SCHEMA_ID || !schema.definitions['normalJob'] || !schema.properties['jobs'])
    throw new Error('@action-validator/core: the text found is not the github-workflow schema');
  return schema;
}
