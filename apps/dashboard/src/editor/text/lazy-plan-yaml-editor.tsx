import { lazy, Suspense } from 'react';
import type { PlanYamlEditorProps } from './plan-yaml-editor-props.js';

// CodeMirror is large: it is loaded only when the YAML view is shown, in its own chunk.
const PlanYamlEditorChunk = lazy(() => import('./plan-yaml-editor.js').then((module) => ({ default: module.PlanYamlEditor })));

/** {@link PlanYamlEditor}, loaded on first render. */
export function LazyPlanYamlEditor(props: PlanYamlEditorProps) {
  return (
    <Suspense fallback={<p aria-busy="true">Loading the YAML editor…</p>}>
      <PlanYamlEditorChunk {...props} />
    </Suspense>
  );
}
