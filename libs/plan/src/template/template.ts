import { VARIABLE_NAME } from '@loadtest/protocol';

/**
 * The `${…}` syntax of the text a plan sends (URL, query and header values,
 * body text, form values, string values of a JSON body), read left to right:
 * - `${name}` is the value of the virtual user's variable `name`
 *   (`[A-Za-z_][A-Za-z0-9_]*`: a plan variable or an extracted one);
 * - `${feeder.column}` is the column of the feeder's current row (everything
 *   after the first dot, up to `}`, is the column's name);
 * - `$${` is a literal `${` (the only escape);
 * - any other `$` is itself, e.g. `$5`, `$$`, `a$b`;
 * - a `${` without a closing `}`, or a reference that is neither form (`${}`,
 *   `${ name }`, `${1st}`), is an error.
 */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'variable'; name: string; feeder?: string; column?: string };

/** A template that does not follow the syntax, with the reason. */
export class TemplateError extends Error {
  constructor(
    message: string,
    /** Where in the text the problem starts (0-based). */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

const FEEDER_REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)\.(.+)$/s;

/** The parts of a template and every syntax problem in it (the valid references are still listed). */
export function scanTemplate(text: string): { parts: TemplatePart[]; problems: TemplateError[] } {
  const parts: TemplatePart[] = [];
  const problems: TemplateError[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      const close = text.indexOf('}', i + 2);
      if (close < 0) {
        problems.push(new TemplateError(`unterminated "\${" at character ${i + 1} (write "$\${" for a literal "\${")`, i));
        literal += text.slice(i);
        break;
      }
      const inner = text.slice(i + 2, close);
      const feeder = FEEDER_REFERENCE.exec(inner);
      if (VARIABLE_NAME.test(inner) || feeder) {
        if (literal) parts.push({ kind: 'text', text: literal });
        literal = '';
        parts.push(feeder ? { kind: 'variable', name: inner, feeder: feeder[1]!, column: feeder[2]! } : { kind: 'variable', name: inner });
      } else {
        problems.push(
          new TemplateError(`invalid variable reference "\${${inner}}": write \${name} or \${feeder.column} (write "$\${" for a literal "\${")`, i),
        );
        literal += text.slice(i, close + 1);
      }
      i = close + 1;
    } else {
      literal += text[i];
      i += 1;
    }
  }
  if (literal) parts.push({ kind: 'text', text: literal });
  return { parts, problems };
}

/** The parts of a template: text, with `$${` read as `${`, and variable references. Throws a {@link TemplateError}. */
export function parseTemplate(text: string): TemplatePart[] {
  const { parts, problems } = scanTemplate(text);
  if (problems[0]) throw problems[0];
  return parts;
}

/** The names a template refers to, each once, in order: `token`, `users.email`. Throws a {@link TemplateError}. */
export function templateVariables(text: string): string[] {
  const names = parseTemplate(text).flatMap((part) => (part.kind === 'variable' ? [part.name] : []));
  return [...new Set(names)];
}
