import { escapeHtml } from './escape.js';

/** Markup made here (a badge, a list), trusted as it is; every other cell is text and is escaped. */
export interface Markup {
  html: string;
}

export type Cell = string | number | Markup;

export const markup = (html: string): Markup => ({ html });

const cellHtml = (cell: Cell) => (typeof cell === 'object' ? cell.html : escapeHtml(cell));

/** Text cells are escaped here, so that a table cannot carry a step's or a plan's name into the markup unescaped. */
export function table(id: string, headers: readonly string[], rows: readonly (readonly Cell[])[], numericFrom = 1): string {
  const head = headers.map((h, i) => `<th${i >= numericFrom ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell, i) => `<td${i >= numericFrom ? ' class="num"' : ''}>${cellHtml(cell)}</td>`).join('')}</tr>`).join('');
  return `<table data-table="${escapeHtml(id)}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A passed / failed / other label. */
export function badge(state: 'passed' | 'failed' | 'neutral', text: string): Markup {
  return markup(`<span class="badge ${state}">${escapeHtml(text)}</span>`);
}
