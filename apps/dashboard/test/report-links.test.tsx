import { describe, expect, it } from '@jest/globals';
import { renderToStaticMarkup } from 'react-dom/server';
import { ReportLinks } from '../src/pages/report-links.js';

describe('ReportLinks', () => {
  it('links the run’s three reports on the master’s own origin (the session cookie goes with them)', () => {
    const html = renderToStaticMarkup(<ReportLinks runId="3f6c1d2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f" />);
    const links = [...html.matchAll(/<a [^>]*href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => [m[2], m[1]]);
    expect(links).toEqual([
      ['Report (HTML)', '/api/v1/runs/3f6c1d2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f/report.html'],
      ['JSON', '/api/v1/runs/3f6c1d2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f/report.json'],
      ['JUnit XML', '/api/v1/runs/3f6c1d2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f/report.xml'],
    ]);
    // The page opens in a tab of its own; the data files download.
    expect(html).toMatch(/href="[^"]+report\.html" target="_blank" rel="noopener"/);
    expect(html.match(/ download=""/g)).toHaveLength(2);
  });
});
