import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';
import { buildRunReport, renderReportJunit } from '../src/index.js';
import { HOSTILE_STEP, realisticFixture } from './fixture.js';

/** The Ant/Jenkins JUnit schema (windyroad/JUnit-Schema), copied verbatim: what CI servers read. */
const JUNIT_XSD = readFileSync(new URL('./fixtures/JUnit.xsd', import.meta.url), 'utf8');

const validate = (xml: string) => validateXML({ xml: { fileName: 'report.xml', contents: xml }, schema: { fileName: 'JUnit.xsd', contents: JUNIT_XSD } });

/** The test cases of a JUnit document: name, and the failure's message or `skipped` or `passed`. */
function cases(xml: string): [string, string][] {
  return [...xml.matchAll(/<testcase name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => {
    const body = m[2] ?? '';
    const failure = body.match(/<failure message="([^"]*)"/);
    return [m[1]!, failure ? failure[1]! : body.includes('<skipped/>') ? 'skipped' : 'passed'];
  });
}

describe('renderReportJunit', () => {
  it('writes a document the JUnit XSD accepts', async () => {
    const xml = renderReportJunit(buildRunReport(realisticFixture().input));
    const result = await validate(xml);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('rejects a broken document (the validation can fail)', async () => {
    const xml = renderReportJunit(buildRunReport(realisticFixture().input));
    // A test case without its required `time`, and a suite timestamp with a time zone: both against the schema.
    const invalid = await validate(xml.replace(/ time="0"/, '').replace(/timestamp="([^"]+)"/, 'timestamp="$1Z"'));
    expect(invalid.valid).toBe(false);
    expect(invalid.errors.map((e) => e.message).join('\n')).toMatch(/time.*required|timestamp/);
    const malformed = await validate(xml.replace('</testsuite>', ''));
    expect(malformed.valid).toBe(false);
  });

  it('has one test case per threshold and per step with checks, failures with the expression and value or the counts', () => {
    const report = buildRunReport(realisticFixture().input);
    const xml = renderReportJunit(report);
    expect(cases(xml)).toEqual([
      ['threshold p(95) &lt; 200ms', 'passed'],
      ['threshold error_rate &lt; 0.1%', `error_rate &lt; 0.1% failed: ${report.thresholds[1]!.display}`],
      ['threshold checks &gt; 99% [step login]', `checks &gt; 99% failed: ${report.thresholds[2]!.display}`],
      ['checks of step home', 'passed'],
      ['checks of step login', `40 of ${report.checks[1]!.passed + 40} checks failed`],
    ]);
    expect(xml).toMatch(/<testsuite package="loadtest" id="0" name="loadtest: Shop checkout \(run [^"]+\)" timestamp="2026-12-03T11:00:00"/);
    expect(xml).toContain('tests="5" failures="3" errors="0" skipped="0" time="10.450"');
    expect(xml).toContain(`value: ${report.thresholds[1]!.display} (${report.thresholds[1]!.value})`);
  });

  it('marks thresholds not yet judged and checks never run as skipped', async () => {
    const { input } = realisticFixture();
    const report = buildRunReport({ ...input, run: { ...input.run, summary: null, thresholdResults: [], verdict: null, state: 'running', endedAt: null } });
    const xml = renderReportJunit(report);
    expect(cases(xml).map(([, outcome]) => outcome)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(xml).toContain('failures="0" errors="0" skipped="5"');
    expect((await validate(xml)).valid).toBe(true);
  });

  it('escapes names from the plan, and drops characters XML cannot hold', async () => {
    const { input } = realisticFixture({ steps: ['home', HOSTILE_STEP, 'search'], planName: 'Plan "A" & <B>\u0001' });
    const xml = renderReportJunit(buildRunReport(input), { hostname: 'ci-runner-7' });
    expect(xml).not.toContain(HOSTILE_STEP);
    expect(xml).toContain('checks of step &lt;img src=x onerror=alert(1)&gt;');
    expect(xml).toContain('name="loadtest: Plan &quot;A&quot; &amp; &lt;B&gt; (run');
    expect(xml).not.toContain('\u0001');
    expect(xml).toContain('hostname="ci-runner-7"');
    const result = await validate(xml);
    expect(result.errors).toEqual([]);
  });
});
