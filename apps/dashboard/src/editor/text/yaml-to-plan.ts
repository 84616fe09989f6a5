import { PlanYamlError, readPlanYaml } from '@loadtest/plan';

/** Why the text is not YAML, at a 1-based line and column when the reader knows them. */
export interface YamlSyntaxError {
  line?: number;
  column?: number;
  message: string;
}

export type YamlReading = { ok: true; plan: unknown } | { ok: false; error: YamlSyntaxError };

/** Reads the editor's text as the master reads a YAML plan (the same reader): the plan draft, or where the YAML is broken. */
export function yamlToPlan(text: string): YamlReading {
  try {
    return { ok: true, plan: readPlanYaml(text) };
  } catch (error) {
    if (!(error instanceof PlanYamlError)) throw error;
    return { ok: false, error: { message: error.reason, ...(error.line === undefined ? {} : { line: error.line, column: error.column }) } };
  }
}

/** `line 3, column 1: …`, as shown under the editor. */
export function describeYamlSyntaxError(error: YamlSyntaxError): string {
  return error.line === undefined ? error.message : `line ${error.line}, column ${error.column ?? 1}: ${error.message}`;
}
