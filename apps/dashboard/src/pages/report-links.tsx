import { API_BASE } from '../api/client.js';

const linkClass = 'rounded border border-gray-300 px-2 py-0.5 text-sm hover:bg-gray-100 dark:border-gray-600 dark:hover:bg-gray-800';

/**
 * The run's reports as the master serves them (libs/report, the CLI's own): plain links on the same origin, so
 * the session cookie goes with them. The HTML opens in a tab of its own; the JSON and JUnit XML download.
 */
export function ReportLinks({ runId }: { runId: string }) {
  const base = `${API_BASE}/runs/${encodeURIComponent(runId)}`;
  return (
    <nav aria-label="Reports" className="flex items-center gap-2" data-testid="report-links">
      <a className={linkClass} href={`${base}/report.html`} target="_blank" rel="noopener">
        Report (HTML)
      </a>
      <a className={linkClass} href={`${base}/report.json`} download>
        JSON
      </a>
      <a className={linkClass} href={`${base}/report.xml`} download>
        JUnit XML
      </a>
    </nav>
  );
}
