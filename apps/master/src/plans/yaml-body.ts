import { PlanYamlError, readPlanYaml } from '@loadtest/plan';
import { badRequest } from '../http/errors.js';

/** The media types read as YAML. */
export const YAML_CONTENT_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'] as const;

/** Reads a YAML request body with the plan format's reader ({@link readPlanYaml}); a syntax error is a 400 naming its line and column. */
export function parseYamlBody(text: string): unknown {
  try {
    return readPlanYaml(text);
  } catch (error) {
    if (!(error instanceof PlanYamlError)) throw error;
    throw badRequest(`invalid YAML body: ${error.message}`, [{ path: '', message: error.message }]);
  }
}
