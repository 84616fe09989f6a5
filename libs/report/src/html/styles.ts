/** The report's whole style sheet, inlined in its <head>: system fonts only, no web font, nothing to fetch. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --pass: #15803d; --fail: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 960px; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: var(--muted); }
h2 { margin: 28px 0 10px; font-size: 17px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
th { font-weight: 600; color: #374151; background: #f9fafb; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.meta th { width: 160px; }
dl.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 8px; margin: 0; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
.figure dt { color: var(--muted); font-size: 12px; }
.figure dd { margin: 0; font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
.codes span { margin-right: 10px; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 9px; font-size: 12px; font-weight: 600; background: #f3f4f6; color: #374151; }
.badge.passed { background: #dcfce7; color: var(--pass); }
.badge.failed { background: #fee2e2; color: var(--fail); }
.verdict { font-size: 14px; vertical-align: middle; margin-left: 8px; }
figure.chart { margin: 12px 0 20px; }
figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
svg .axis { stroke: #9ca3af; }
svg .grid { stroke: #f0f1f3; }
svg .tick { font-size: 11px; fill: var(--muted); }
ul.legend { list-style: none; display: flex; gap: 14px; margin: 4px 0 0 72px; padding: 0; font-size: 12px; color: #374151; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
ul.plain { margin: 0; padding-left: 16px; }
.empty, .notes, footer { color: var(--muted); }
footer { margin-top: 32px; font-size: 12px; }
@media print { body { padding: 0; } figure.chart, table { break-inside: avoid; } }
`;
