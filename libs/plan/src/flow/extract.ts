import type { Extract } from '@loadtest/protocol';
import { assertJsonPath, firstMatch } from './json-path.js';
import type { FlowResponse } from './response.js';
import { asText } from './scope.js';

/** One extraction of a step, ready to run on its responses. */
export interface CompiledExtract {
  readonly var: string;
  /** The value on a miss; without it a miss leaves the variable unset and fails the step's check. */
  readonly default: string | undefined;
  /** Whether it reads the body (which is then kept for the step). */
  readonly needsBody: boolean;
  /** The value taken from the response, or undefined on a miss. */
  read(response: FlowResponse): string | undefined;
}

export function compileExtract(extract: Extract, stepName: string): CompiledExtract {
  const common = { var: extract.var, default: extract.default };
  const what = `step "${stepName}", extract ${extract.var}`;
  if (extract.jsonPath !== undefined) {
    const path = extract.jsonPath;
    assertJsonPath(path, what);
    return {
      ...common,
      needsBody: true,
      read: (response) => {
        const match = firstMatch(response.json(), path);
        return match === undefined ? undefined : asText(match.value);
      },
    };
  }
  if (extract.regex !== undefined) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(extract.regex);
    } catch (error) {
      throw new Error(`${what}: invalid regex: ${(error as Error).message}`, { cause: error });
    }
    const group = extract.group ?? 1;
    return {
      ...common,
      needsBody: true,
      read: (response) => (response.failed ? undefined : pattern.exec(response.text())?.[group]),
    };
  }
  if (extract.header !== undefined) {
    const name = extract.header;
    return { ...common, needsBody: false, read: (response) => response.header(name)[0] };
  }
  return { ...common, needsBody: false, read: (response) => (response.failed ? undefined : String(response.status)) };
}
