import type { PlanResource } from '@loadtest/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useReducer, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, apiRequest } from '../api/client.js';
import { keys, usePlan } from '../api/queries.js';
import { QueryState } from '../components/query-state.js';
import { formatPlanPath, type EditorIssue } from './editor-issue.js';
import { StepForm } from './forms/step-form.js';
import { Palette } from './graph/palette.js';
import { addTarget, PlanCanvas } from './graph/plan-canvas.js';
import { FeedersPanel } from './panels/feeders-panel.js';
import { HeadersPanel } from './panels/headers-panel.js';
import { PlanFieldsPanel } from './panels/plan-fields-panel.js';
import { VariablesPanel } from './panels/variables-panel.js';
import { editorReducer, initialEditorState, type EditorAction } from './state/editor-reducer.js';
import { newPlan } from './state/new-step.js';
import { draftSteps, type PlanDraft } from './state/plan-draft.js';
import { ExportMenu } from './import-export/export-menu.js';
import { ImportPanel } from './import-export/import-panel.js';
import { LazyPlanYamlEditor } from './text/lazy-plan-yaml-editor.js';
import { TrialPanel } from './trial/trial-panel.js';
import { issuesFromApiError } from './validation/api-issues.js';
import { planIssues } from './validation/plan-issues.js';

/** What the editor checks a draft with, as you type. */
export type PlanChecker = (plan: PlanDraft) => EditorIssue[];

/** The plan as the API answers it, without what the API adds (`id`, `createdAt`, `updatedAt`): what PUT takes back. */
export function draftOfResource(resource: PlanResource): PlanDraft {
  const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...plan } = resource;
  return plan as PlanDraft;
}

/** `/plans/new` and `/plans/:id/edit`: the visual editor of one plan. */
export function EditorPage() {
  const { id } = useParams();
  if (id === undefined) return <PlanEditor key="new" planId={null} initialPlan={newPlan()} />;
  return <SavedPlanEditor key={id} id={id} />;
}

function SavedPlanEditor({ id }: { id: string }) {
  const plan = usePlan(id);
  return (
    <QueryState isPending={plan.isPending} error={plan.error}>
      {() => <PlanEditor planId={id} initialPlan={draftOfResource(plan.data!)} />}
    </QueryState>
  );
}

type PaneTab = 'step' | 'plan' | 'yaml' | 'import' | 'try';

export function PlanEditor({ planId, initialPlan, checkPlan = planIssues }: { planId: string | null; initialPlan: PlanDraft; checkPlan?: PlanChecker }) {
  const [state, dispatchEdit] = useReducer(editorReducer, initialPlan, initialEditorState);
  const [tab, setTab] = useState<PaneTab>('step');
  // The API's 400 is about the plan it was sent: its issues are shown until the plan is edited.
  const [refusal, setRefusal] = useState<{ plan: PlanDraft; issues: EditorIssue[] } | null>(null);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { plan, selected } = state;

  // Checked as it is typed with the master's own schema (StoredPlanSchema, in planIssues), so a plan it would refuse cannot be saved.
  const draftIssues = useMemo(() => checkPlan(plan), [checkPlan, plan]);
  /** Every problem the editor shows (graph badges, fields, the list below, the Save button): the one place they are gathered. */
  const issues: EditorIssue[] = useMemo(() => (refusal?.plan === plan ? [...draftIssues, ...refusal.issues] : draftIssues), [draftIssues, refusal, plan]);
  const errorCount = issues.filter((issue) => issue.severity === 'error').length;

  const dispatch = (action: EditorAction) => {
    if (action.type === 'select' && action.path !== null) setTab('step');
    dispatchEdit(action);
  };

  const save = useMutation({
    mutationFn: (body: PlanDraft) =>
      apiRequest<PlanResource>(planId === null ? '/plans' : `/plans/${planId}`, { method: planId === null ? 'POST' : 'PUT', body: JSON.stringify(body) }),
    onSuccess: (saved) => {
      queryClient.setQueryData(keys.plan(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: keys.plans, exact: true });
      if (planId === null) void navigate(`/plans/${saved.id}/edit`);
    },
    onError: (error, sent) => {
      if (error instanceof ApiError && error.status === 400) setRefusal({ plan: sent, issues: issuesFromApiError(error.body, sent) });
    },
  });
  const failure = save.error instanceof ApiError && save.error.status === 400 ? null : save.error;

  // Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo; CodeMirror (the YAML view) keeps its own history for its text.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || (event.target instanceof HTMLElement && event.target.closest('.cm-editor'))) return;
      const key = event.key.toLowerCase();
      if (key === 'z' || key === 'y') {
        event.preventDefault();
        dispatchEdit({ type: key === 'y' || event.shiftKey ? 'redo' : 'undo' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const stepPaths = useMemo(() => [...draftSteps(plan)].map(({ path }) => path), [plan]);
  /** The step an issue is about, for the list's links: the deepest step whose path the issue's is under. */
  const stepOf = (issue: EditorIssue) =>
    stepPaths.filter((path) => path.every((key, i) => issue.path[i] === key)).sort((a, b) => b.length - a.length)[0] ?? null;

  return (
    <section aria-labelledby="editor-title" className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <h1 id="editor-title" className="mr-auto text-xl font-semibold">
          {planId === null ? 'New plan' : `Edit ${typeof plan.name === 'string' ? plan.name : 'plan'}`}
        </h1>
        <button
          type="button"
          className={toolClass}
          disabled={state.past.length === 0}
          onClick={() => dispatchEdit({ type: 'undo' })}
          aria-keyshortcuts="Control+Z"
        >
          Undo
        </button>
        <button
          type="button"
          className={toolClass}
          disabled={state.future.length === 0}
          onClick={() => dispatchEdit({ type: 'redo' })}
          aria-keyshortcuts="Control+Shift+Z Control+Y"
        >
          Redo
        </button>
        {planId !== null && (
          <Link to={`/plans/${planId}/launch`} className={toolClass}>
            Launch
          </Link>
        )}
        <button
          type="button"
          className="rounded bg-blue-700 px-3 py-1 font-medium text-white hover:bg-blue-800 disabled:opacity-50"
          disabled={errorCount > 0 || save.isPending}
          aria-describedby={errorCount > 0 ? 'editor-issues' : undefined}
          onClick={() => save.mutate(plan)}
        >
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
      </div>
      {failure && (
        <p role="alert" className="text-red-700 dark:text-red-300">
          {failure instanceof ApiError ? `${failure.status}: ${failure.message}` : failure.message}
        </p>
      )}
      {save.isSuccess && planId !== null && refusal?.plan !== plan && <p role="status">Saved.</p>}

      <div className="grid grid-cols-1 gap-3 lg:grid-cols-[10rem_1fr_26rem]">
        <Palette
          onAdd={(kind) => {
            const target = addTarget(plan, selected);
            dispatch({ type: 'addStep', ...target, kind });
          }}
        />
        <PlanCanvas plan={plan} issues={issues} selected={selected} dispatch={dispatch} />
        <div className="min-w-0 space-y-2">
          <div role="tablist" aria-label="Side pane" className="flex gap-1 border-b border-gray-200 dark:border-gray-700">
            <TabButton tab="step" active={tab} onSelect={setTab}>
              Step
            </TabButton>
            <TabButton tab="plan" active={tab} onSelect={setTab}>
              Plan
            </TabButton>
            <TabButton tab="yaml" active={tab} onSelect={setTab}>
              YAML
            </TabButton>
            <TabButton tab="import" active={tab} onSelect={setTab}>
              Import
            </TabButton>
            <TabButton tab="try" active={tab} onSelect={setTab}>
              Try
            </TabButton>
          </div>
          <div role="tabpanel" id={`editor-pane-${tab}`} aria-labelledby={`editor-tab-${tab}`} className="max-h-[70vh] overflow-y-auto pr-1">
            {tab === 'step' &&
              (selected === null ? (
                <p className="text-sm text-gray-600 dark:text-gray-400">Select a step on the canvas to edit it.</p>
              ) : (
                <StepForm key={formatPlanPath(selected)} plan={plan} path={selected} issues={issues} dispatch={dispatch} />
              ))}
            {tab === 'plan' && (
              <div className="space-y-4">
                <PlanFieldsPanel plan={plan} issues={issues} dispatch={dispatch} />
                <VariablesPanel plan={plan} issues={issues} dispatch={dispatch} />
                <HeadersPanel plan={plan} issues={issues} dispatch={dispatch} />
                <FeedersPanel plan={plan} issues={issues} dispatch={dispatch} />
              </div>
            )}
            {tab === 'yaml' && (
              <section aria-label="YAML" className="space-y-2">
                <LazyPlanYamlEditor plan={plan} issues={issues} onPlanChange={(next) => dispatch({ type: 'setPlan', plan: next as PlanDraft })} />
                <ExportMenu plan={plan} />
              </section>
            )}
            {/* One iteration of the draft as it is now (saved or not), on one idle worker, through the worker's own load path. */}
            {tab === 'try' && <TrialPanel plan={plan} />}
            {tab === 'import' && (
              // An imported plan replaces the draft (one undo brings the previous one back); the graph lays it out.
              <ImportPanel
                onImported={(imported) => {
                  dispatch({ type: 'setPlan', plan: imported as PlanDraft });
                  setTab('plan');
                }}
              />
            )}
          </div>
        </div>
      </div>

      {issues.length > 0 && (
        <section aria-labelledby="editor-issues-title">
          <h2 id="editor-issues-title" className="text-sm font-semibold">
            {errorCount > 0 ? `${errorCount} error${errorCount === 1 ? '' : 's'}: fix ${errorCount === 1 ? 'it' : 'them'} to save` : 'Warnings'}
          </h2>
          <ul id="editor-issues" className="text-sm">
            {issues.map((issue, i) => {
              const step = stepOf(issue);
              return (
                <li key={i} className={issue.severity === 'error' ? 'text-red-700 dark:text-red-300' : 'text-amber-800 dark:text-amber-200'}>
                  {step !== null ? (
                    <button type="button" className="font-mono underline" onClick={() => dispatch({ type: 'select', path: step })}>
                      {formatPlanPath(issue.path)}
                    </button>
                  ) : (
                    <span className="font-mono">{formatPlanPath(issue.path) || '(plan)'}</span>
                  )}
                  : {issue.message}
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </section>
  );
}

const toolClass = 'rounded border border-gray-300 px-3 py-1 text-sm disabled:opacity-40 dark:border-gray-600';

function TabButton({ tab, active, onSelect, children }: { tab: PaneTab; active: PaneTab; onSelect(tab: PaneTab): void; children: ReactNode }) {
  return (
    <button
      type="button"
      role="tab"
      id={`editor-tab-${tab}`}
      aria-selected={tab === active}
      aria-controls={`editor-pane-${tab}`}
      className={`px-3 py-1 text-sm ${tab === active ? 'border-b-2 border-blue-600 font-semibold' : ''}`}
      onClick={() => onSelect(tab)}
    >
      {children}
    </button>
  );
}
