import type { Diagnostic } from '@codemirror/lint';
import { formatPlanPath, type EditorIssue } from '../editor-issue.js';
import type { YamlSyntaxError } from './yaml-to-plan.js';
import { yamlPathLocator } from './yaml-path-position.js';

/**
 * The editor's issues as CodeMirror diagnostics, each on the line of the YAML
 * node its path names (its whole line from there). An issue whose field is not
 * written (a required field left out) is shown at its nearest written parent,
 * its message then prefixed with the field's path so that it says which.
 */
export function issueDiagnostics(text: string, issues: readonly EditorIssue[], syntaxError?: YamlSyntaxError | null): Diagnostic[] {
  const locate = yamlPathLocator(text);
  const diagnostics: Diagnostic[] = issues.map((issue) => {
    const position = locate(issue.path);
    const message = position.exact || issue.path.length === 0 ? issue.message : `${formatPlanPath(issue.path)}: ${issue.message}`;
    return { from: position.from, to: position.to, severity: issue.severity, message };
  });
  if (syntaxError) {
    const from = offsetOf(text, syntaxError.line ?? 1, syntaxError.column ?? 1);
    const lineEnd = text.indexOf('\n', from);
    diagnostics.push({ from, to: lineEnd < 0 ? text.length : lineEnd, severity: 'error', message: syntaxError.message });
  }
  return diagnostics.sort((a, b) => a.from - b.from || a.to - b.to);
}

/** The offset of a 1-based line and column, kept inside the text. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  return Math.min(offset + column - 1, lineEnd < 0 ? text.length : lineEnd);
}
