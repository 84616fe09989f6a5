import { parse, YAMLParseError } from 'yaml';
import { badRequest } from '../http/errors.js';

/** The media types read as YAML. */
export const YAML_CONTENT_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'] as const;

/**
 * Reads a YAML request body into the object a JSON body would give: YAML 1.2
 * (core schema: `no` is a string, no dates), one document, unique keys,
 * anchors and aliases, `<<` merge keys. A syntax error is a 400 naming its
 * line and column.
 */
export function parseYamlBody(text: string): unknown {
  try {
    return parse(text, { merge: true, maxAliasCount: 100 }) as unknown;
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const where = error instanceof YAMLParseError && error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : undefined;
    // The parser's message repeats the position and quotes the source after " at line …"; the position is given once, first.
    const reason =
      error instanceof YAMLParseError && error.code === 'MULTIPLE_DOCS'
        ? 'a plan is a single YAML document (remove the second "---")'
        : error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
    const message = where ? `${where}: ${reason}` : reason;
    throw badRequest(`invalid YAML body: ${message}`, [{ path: '', message }]);
  }
}
