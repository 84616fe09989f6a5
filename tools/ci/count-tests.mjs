// Adds up the jest JSON reports in a folder (every project's `--json --outputFile`) and prints CI's
// closing line: "N passed, N failed" (", N skipped" when some were skipped). Exits 1 on any failure,
// and counts an expected project whose report is missing (it crashed or never ran) as a failure.
// Failed tests are named with the first line of their failure just above that line, so that the
// tail of a CI log says what failed; so are tests that passed only when retried (the timing
// measurements, which a busy neighbour on a shared machine can disturb, are allowed one retry:
// jest.retryTimes), with their first failure (jest's `retryReasons`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, ...expected] = process.argv.slice(2);
// jest's messages carry terminal colours.
const stripAnsi = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
const retried = [];
const reported = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length));
for (const project of [...new Set([...expected, ...reported])]) {
  const file = join(dir, `${project}.json`);
  if (!existsSync(file)) {
    process.stderr.write(`no test report from ${project} (${file}): counted as a failure\n`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  for (const file of report.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      // jest's message: the matcher, then Expected/Received lines, then the stack: what comes before the stack, on one line.
      const firstLine = (message) => {
        const lines = stripAnsi(String(message ?? '')).split('\n');
        const stack = lines.findIndex((line) => /^\s+at /.test(line));
        return lines
          .slice(0, stack === -1 ? undefined : stack)
          .map((line) => line.trim())
          .filter((line) => line !== '')
          .join(' | ')
          .slice(0, 500);
      };
      const where = `${project}: ${file.name?.split('/').slice(-2).join('/') ?? '?'} > ${test.fullName}`;
      if (test.status === 'failed') failures.push(`${where}\n    ${firstLine(test.failureMessages?.[0])}`);
      else if (test.status === 'passed' && (test.retryReasons ?? []).length > 0) {
        retried.push(`${where} (attempt ${test.invocations ?? test.retryReasons.length + 1})\n    ${firstLine(test.retryReasons[0])}`);
      }
    }
    if (file.status === 'failed' && (file.assertionResults ?? []).every((test) => test.status !== 'failed')) {
      failures.push(
        `${project}: ${file.name ?? '?'} failed outside its tests: ${stripAnsi(String(file.message ?? ''))
          .trim()
          .slice(0, 500)}`,
      );
    }
  }
  // A suite that could not load (numRuntimeErrorTestSuites) fails the run without failing a test.
  if (report.success === false && (report.numFailedTests ?? 0) === 0) {
    process.stderr.write(`${project}: the test run failed outside any test (e.g. a suite that could not load): counted as a failure\n`);
    failed += 1;
  }
}
if (retried.length > 0) process.stdout.write(`passed when retried, after:\n${retried.map((line) => `  ${line}`).join('\n')}\n`);
if (failures.length > 0) process.stdout.write(`failed:\n${failures.map((line) => `  ${line}`).join('\n')}\n`);
process.stdout.write(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
