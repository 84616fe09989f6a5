import { yaml } from '@codemirror/lang-yaml';
import { forceLinting, lintGutter, linter } from '@codemirror/lint';
import CodeMirror, { EditorView } from '@uiw/react-codemirror';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { issueDiagnostics } from './issue-diagnostics.js';
import { writePlanYaml as planToYaml } from '@loadtest/plan';
import type { PlanYamlEditorProps } from './plan-yaml-editor-props.js';
import { samePlan, textForOutsidePlan } from './plan-text-sync.js';
import { useDarkTheme } from './use-dark-theme.js';
import { describeYamlSyntaxError, yamlToPlan, type YamlSyntaxError } from './yaml-to-plan.js';

/** How long typing pauses before the text is read (reading validates nothing, but the page does on every draft). */
export const READ_DELAY_MS = 300;
/** How long after a change the gutter's marks are placed again on the new text. */
const LINT_DELAY_MS = 150;

export type { PlanYamlEditorProps } from './plan-yaml-editor-props.js';

/**
 * The plan draft as YAML text (CodeMirror 6). The text is the editor's own
 * while the author types: it is read after a pause, and a draft that reads is
 * handed up; a syntax error is shown under the editor (line and column) and
 * hands nothing up. When the draft changes from outside (the graph) to one the
 * text does not read as, the text is written anew. Issues are shown in the
 * lint gutter, at their fields' lines. Loads CodeMirror: import it lazily
 * (see lazy-plan-yaml-editor.tsx).
 */
export function PlanYamlEditor({ plan, onPlanChange, issues }: PlanYamlEditorProps) {
  const [text, setText] = useState(() => planToYaml(plan));
  const [syntaxError, setSyntaxError] = useState<YamlSyntaxError | null>(null);
  const [view, setView] = useState<EditorView | null>(null);
  const errorId = useId();
  const dark = useDarkTheme();
  const textRef = useRef(text);
  const planRef = useRef(plan);
  /** The last draft handed up: when it comes back as `plan`, the text already says it (even if typed on since). */
  const handedUp = useRef<unknown>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const onPlanChangeRef = useRef(onPlanChange);
  useEffect(() => {
    onPlanChangeRef.current = onPlanChange;
  }, [onPlanChange]);

  useEffect(() => {
    planRef.current = plan;
    if (plan === handedUp.current) return;
    const replacement = textForOutsidePlan(textRef.current, plan);
    if (replacement === undefined) return;
    clearTimeout(timer.current);
    textRef.current = replacement;
    setText(replacement);
    setSyntaxError(null);
  }, [plan]);

  useEffect(() => () => clearTimeout(timer.current), []);

  const onChange = (value: string) => {
    textRef.current = value;
    setText(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const read = yamlToPlan(value);
      if (!read.ok) {
        setSyntaxError(read.error);
        return;
      }
      setSyntaxError(null);
      if (samePlan(read.plan, planRef.current)) return;
      handedUp.current = read.plan;
      onPlanChangeRef.current(read.plan);
    }, READ_DELAY_MS);
  };

  // The gutter is CodeMirror's linter over the text it holds: a text replaced later (CodeMirror holds back outside
  // changes while the author types) is marked again when it lands. New issues or a new syntax error mark it at once.
  const issuesRef = useRef(issues);
  const syntaxErrorRef = useRef(syntaxError);
  useEffect(() => {
    issuesRef.current = issues;
    syntaxErrorRef.current = syntaxError;
    if (view) forceLinting(view);
  }, [view, issues, syntaxError]);

  const extensions = useMemo(
    () => [
      yaml(),
      linter((editor) => issueDiagnostics(editor.state.doc.toString(), issuesRef.current, syntaxErrorRef.current), { delay: LINT_DELAY_MS }),
      lintGutter(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': 'Plan YAML', 'aria-describedby': errorId }),
    ],
    [errorId],
  );

  return (
    <div className="flex min-h-0 flex-col gap-1">
      <CodeMirror
        value={text}
        onChange={onChange}
        onCreateEditor={setView}
        extensions={extensions}
        theme={dark ? 'dark' : 'light'}
        className="min-h-0 flex-1 overflow-auto rounded border border-gray-300 text-sm dark:border-gray-700"
        basicSetup={{ foldGutter: true, highlightActiveLine: true }}
      />
      <p id={errorId} role="status" className="min-h-5 text-xs text-red-700 dark:text-red-300" data-yaml-error={syntaxError ? '' : undefined}>
        {syntaxError ? `Not valid YAML: ${describeYamlSyntaxError(syntaxError)}` : ''}
      </p>
    </div>
  );
}
