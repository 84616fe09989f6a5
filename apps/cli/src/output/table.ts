/** Terminal colour codes, which take no width on screen. */
// eslint-disable-next-line no-control-regex -- ESC (0x1b) starts every colour code: matching it is the point.
const ANSI = /\u001b\[[0-9;]*m/g;

/** The on-screen width of a cell (without colour codes). */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

export type Align = 'left' | 'right';

/**
 * Lays rows out in columns separated by two spaces, the first row being the header. Numbers read best right-aligned:
 * `align` gives each column's alignment (left by default). Trailing spaces are trimmed.
 */
export function table(rows: readonly (readonly string[])[], align: readonly Align[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cell))));
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - visibleWidth(cell));
        return align[i] === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** `label ........ value`, k6's summary style: the dots lead the eye from a name to its figure. */
export function dotted(label: string, value: string, width = 24): string {
  const dots = Math.max(2, width - visibleWidth(label) - 1);
  return `${label} ${'.'.repeat(dots)} ${value}`;
}
