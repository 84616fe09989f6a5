import { scanTemplate } from '../template/template.js';

/**
 * `${name}` and `${feeder.column}` references in a plan's text, resolved per
 * virtual user when a request is sent; `$${` is a literal `${`. The syntax is
 * the plan format's (scanTemplate in @loadtest/protocol, which validation uses
 * too); a malformed reference, which validation refuses, stays literal text.
 */
export type TemplatePart = { readonly text: string } | { readonly ref: string };

export interface Template {
  readonly parts: readonly TemplatePart[];
  /** The text when it holds no reference (escapes resolved); undefined otherwise. */
  readonly constant: string | undefined;
}

/** What a reference stands for; an unknown one is the empty string. */
export type Lookup = (ref: string) => string;

export function compileTemplate(source: string): Template {
  const parts: TemplatePart[] = isTemplated(source)
    ? scanTemplate(source).parts.map((part) => (part.kind === 'text' ? { text: part.text } : { ref: part.name }))
    : source === ''
      ? []
      : [{ text: source }];
  const constant = parts.every((part) => 'text' in part) ? parts.map((part) => (part as { text: string }).text).join('') : undefined;
  return { parts, constant };
}

export function renderTemplate(template: Template, lookup: Lookup): string {
  if (template.constant !== undefined) return template.constant;
  let out = '';
  for (const part of template.parts) out += 'text' in part ? part.text : lookup(part.ref);
  return out;
}

/** Whether the text needs templating at all: a reference, or an escape to resolve. */
export function isTemplated(source: string): boolean {
  return source.includes('${');
}
