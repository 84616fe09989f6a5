export { buildRunReport, type RunReportInput } from './build-report.js';
export { distributionFromHistogram, distributionFromPercentiles } from './latency-distribution.js';
export { planOutline, describeCheck, type PlanSnapshot } from './plan-outline.js';
export { renderReportHtml } from './html/render-html.js';
export { renderReportJunit, type JunitOptions } from './junit/render-junit.js';
export { formatBytes, formatCount, formatDuration, formatInstant, formatLatency, formatPercent, formatRate } from './format.js';
export { ReportWindows, type ReportWindowParts } from './report-windows.js';
