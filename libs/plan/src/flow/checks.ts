import { isDeepStrictEqual } from 'node:util';
import type { Check } from '@loadtest/protocol';
import { assertJsonPath, firstMatch } from './json-path.js';
import type { FlowResponse } from './response.js';

/** One check of a step, ready to run on its responses. A response that never came fails every check. */
export interface CompiledCheck {
  /** The check's name, or what it checks written out (`status in [200]`): how a trial shows it. */
  readonly description: string;
  readonly stopOnFail: boolean;
  /** Whether it reads the body (which is then kept for the step). */
  readonly needsBody: boolean;
  passes(response: FlowResponse): boolean;
}

function regex(source: string, what: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new Error(`${what}: invalid regex: ${(error as Error).message}`, { cause: error });
  }
}

export function compileCheck(check: Check, stepName: string, index: number): CompiledCheck {
  const what = `step "${stepName}", check ${check.name ?? index + 1}`;
  const stopOnFail = check.stopOnFail;
  const description = check.name ?? describeCheck(check);
  if (check.status !== undefined) {
    const allowed = new Set(check.status);
    return { description, stopOnFail, needsBody: false, passes: (response) => allowed.has(response.status) };
  }
  if (check.bodyContains !== undefined) {
    const needle = check.bodyContains;
    return { description, stopOnFail, needsBody: true, passes: (response) => !response.failed && response.text().includes(needle) };
  }
  if (check.jsonPath !== undefined) {
    const path = check.jsonPath;
    const expected = check.equals;
    assertJsonPath(path, what);
    return {
      description,
      stopOnFail,
      needsBody: true,
      passes: (response) => {
        const match = firstMatch(response.json(), path);
        return match !== undefined && isDeepStrictEqual(match.value, expected);
      },
    };
  }
  if (check.header !== undefined) {
    const name = check.header;
    const pattern = regex(check.matches ?? '', what);
    return { description, stopOnFail, needsBody: false, passes: (response) => response.header(name).some((value) => pattern.test(value)) };
  }
  const below = check.latencyBelowMs ?? 0;
  return { description, stopOnFail, needsBody: false, passes: (response) => response.latencyMs < below };
}

/** A check without a name, written out. */
function describeCheck(check: Check): string {
  if (check.status !== undefined) return `status in [${check.status.join(', ')}]`;
  if (check.bodyContains !== undefined) return `body contains ${JSON.stringify(check.bodyContains)}`;
  if (check.jsonPath !== undefined) return `${check.jsonPath} equals ${JSON.stringify(check.equals) ?? 'undefined'}`;
  if (check.header !== undefined) return `header ${check.header} matches /${check.matches ?? ''}/`;
  return `latency below ${check.latencyBelowMs ?? 0} ms`;
}
