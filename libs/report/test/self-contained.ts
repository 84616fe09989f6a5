/**
 * What in an HTML page would make a browser fetch something: an attribute that takes a URL (src, href, srcset,
 * action, poster, data, …), a url() or @import in a style, a <script>, a <link>. The report must hold none that
 * points outside itself (http:, https:, a protocol-relative //, or any other scheme but data:).
 */
const URL_ATTRIBUTES = new Set([
  'src',
  'href',
  'xlink:href',
  'srcset',
  'action',
  'formaction',
  'poster',
  'data',
  'background',
  'manifest',
  'ping',
  'codebase',
  'cite',
]);

const EXTERNAL = /^\s*(?:[a-z][a-z0-9+.-]*:|\/\/)/i;
const isExternal = (reference: string) => EXTERNAL.test(reference) && !/^\s*data:/i.test(reference);

/** Every tag of a page with its attributes; text (where a `<` is escaped) holds no tag. */
function* tags(html: string): Generator<{ name: string; attributes: Map<string, string> }> {
  for (const match of html.matchAll(/<([a-zA-Z][\w:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g)) {
    const attributes = new Map<string, string>();
    for (const a of match[2]!.matchAll(/([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g))
      attributes.set(a[1]!.toLowerCase(), a[2] ?? a[3] ?? a[4] ?? '');
    yield { name: match[1]!.toLowerCase(), attributes };
  }
}

/** The references to anything outside the page, each described; empty for a self-contained page. */
export function externalReferences(html: string): string[] {
  const found: string[] = [];
  for (const { name, attributes } of tags(html)) {
    if (name === 'script' || name === 'link' || name === 'iframe' || name === 'object' || name === 'embed' || name === 'base') found.push(`<${name}> element`);
    for (const [attribute, value] of attributes) {
      if (URL_ATTRIBUTES.has(attribute) && isExternal(value)) found.push(`<${name} ${attribute}="${value}">`);
      if (attribute.startsWith('on')) found.push(`<${name} ${attribute}> handler`);
      if (attribute === 'style' && /url\(|@import|expression\(/i.test(value)) found.push(`<${name} style="${value}">`);
    }
  }
  for (const style of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)) {
    for (const url of style[1]!.matchAll(/url\(\s*['"]?([^'")]*)/gi)) if (isExternal(url[1]!)) found.push(`url(${url[1]})`);
    if (/@import/i.test(style[1]!)) found.push('@import');
    if (/@font-face/i.test(style[1]!)) found.push('@font-face');
  }
  return found;
}
