import type { Attachment, RequestBody } from '@loadtest/protocol';
import { compileTemplate, renderTemplate, type Lookup, type Template } from './template.js';

/** A request body ready to render for a virtual user, with the content type it implies. */
export interface CompiledBody {
  /** Set unless the step's or the plan's headers give one. */
  readonly contentType: string | undefined;
  /** True when it renders the same for every virtual user (no template): a request holding it can be rendered once. */
  readonly constant: boolean;
  render(lookup: Lookup): string | Buffer;
}

/** A JSON value whose strings may be templates: rebuilt per request, or not at all when it holds none. */
type JsonShape = { constant: unknown } | { template: Template } | { array: JsonShape[] } | { object: [string, JsonShape][] };

function jsonShape(value: unknown): JsonShape {
  if (typeof value === 'string') {
    const template = compileTemplate(value);
    return template.constant === undefined ? { template } : { constant: template.constant };
  }
  if (Array.isArray(value)) {
    const items = value.map(jsonShape);
    return items.every((item) => 'constant' in item) ? { constant: items.map((item) => (item as { constant: unknown }).constant) } : { array: items };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, jsonShape(item)] as [string, JsonShape]);
    return entries.every(([, item]) => 'constant' in item)
      ? { constant: Object.fromEntries(entries.map(([key, item]) => [key, (item as { constant: unknown }).constant])) }
      : { object: entries };
  }
  return { constant: value };
}

function renderJson(shape: JsonShape, lookup: Lookup): unknown {
  if ('constant' in shape) return shape.constant;
  if ('template' in shape) return renderTemplate(shape.template, lookup);
  if ('array' in shape) return shape.array.map((item) => renderJson(item, lookup));
  return Object.fromEntries(shape.object.map(([key, item]) => [key, renderJson(item, lookup)]));
}

/**
 * Compiles a step's body: JSON (templates in its string values, which stay
 * strings), a form (templates in its values), text (a template), or an
 * attachment's content as is.
 */
export function compileBody(body: RequestBody, attachments: readonly Attachment[]): CompiledBody {
  if (body.text !== undefined) {
    const template = compileTemplate(body.text);
    return { contentType: undefined, constant: template.constant !== undefined, render: (lookup) => renderTemplate(template, lookup) };
  }
  if (body.form !== undefined) {
    const fields = Object.entries(body.form).map(([name, value]) => [name, compileTemplate(value)] as const);
    return {
      contentType: 'application/x-www-form-urlencoded',
      constant: fields.every(([, template]) => template.constant !== undefined),
      render: (lookup) => new URLSearchParams(fields.map(([name, template]): [string, string] => [name, renderTemplate(template, lookup)])).toString(),
    };
  }
  if (body.file !== undefined) {
    const attachment = attachments.find((a) => a.name === body.file);
    if (!attachment) throw new Error(`attachment "${body.file}" is not in the plan`);
    const content = attachment.text ?? Buffer.from(attachment.base64 ?? '', 'base64');
    return { contentType: attachment.contentType, constant: true, render: () => content };
  }
  const shape = jsonShape(body.json);
  const constant = 'constant' in shape ? JSON.stringify(shape.constant) : undefined;
  return { contentType: 'application/json', constant: constant !== undefined, render: (lookup) => constant ?? JSON.stringify(renderJson(shape, lookup)) };
}
