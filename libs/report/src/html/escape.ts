const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for HTML, in an element or a quoted attribute alike. Everything a report shows from a run (plan, step and
 * scenario names, URLs, errors) is someone's input: it goes through here, never into markup as it is.
 */
export const escapeHtml = (text: string | number): string => String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
