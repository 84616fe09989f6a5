import { describe, expect, it } from '@jest/globals';
import type { PlanResource } from '@loadtest/protocol';
import { renderToStaticMarkup } from 'react-dom/server';
import { keys } from '../src/api/queries.js';
import type { EditorIssue } from '../src/editor/editor-issue.js';
import { EditorPage, PlanEditor } from '../src/editor/editor-page.js';
import { HttpStepForm } from '../src/editor/forms/http-step-form.js';
import { IfStepForm } from '../src/editor/forms/if-step-form.js';
import { GroupStepForm } from '../src/editor/forms/group-step-form.js';
import { ThinkStepForm } from '../src/editor/forms/think-step-form.js';
import { FeedersPanel } from '../src/editor/panels/feeders-panel.js';
import { VariablesPanel } from '../src/editor/panels/variables-panel.js';
import type { PlanDraft } from '../src/editor/state/plan-draft.js';
import { renderAt } from './support/render-at.js';

/** The forms are only rendered here: their edits go nowhere. */
const noop = () => undefined;

const inRouter = renderAt;

/** The text of the element a label names (`<label for=X>` → the input with id X), or of what follows it. */
function labelled(html: string, label: string): string {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const id = new RegExp(`<label for="([^"]+)"[^>]*>${escaped}</label>`).exec(html)?.[1];
  if (id === undefined) throw new Error(`no label "${label}" in ${html.slice(0, 400)}…`);
  const field = new RegExp(`<(input|textarea|select)[^>]*id="${id.replace(/[:]/g, '\\$&')}"[^>]*>`).exec(html)?.[0];
  if (field === undefined) throw new Error(`label "${label}" names no field`);
  return field;
}

/** The issue text shown next to the field a label names (its aria-describedby). */
function issueOf(html: string, label: string): string | null {
  const describedBy = /aria-describedby="([^"]+)"/.exec(labelled(html, label))?.[1];
  if (describedBy === undefined) return null;
  return new RegExp(`<p id="${describedBy}"[^>]*>([^<]*)</p>`).exec(html)?.[1] ?? null;
}

const error = (path: EditorIssue['path'], message: string): EditorIssue => ({ path, message, severity: 'error' });

describe('HttpStepForm', () => {
  const step = {
    kind: 'http',
    name: 'search',
    method: 'POST',
    url: '/search',
    query: { q: 'shoes' },
    headers: { Authorization: 'Bearer ${token}' },
    body: { json: { sku: 'A-1' } },
    extract: [{ var: 'firstId', jsonPath: '$..[' }],
    checks: [{ status: [200, 304] }, { header: 'content-type', matches: '^application/json', stopOnFail: true }],
    timeoutSeconds: 30,
  };
  const issues = [
    error(['steps', 2, 'extract', 0, 'jsonPath'], 'invalid JSONPath "$..["'),
    error(['steps', 2, 'headers', 'Authorization'], 'unknown variable "${token}"'),
  ];
  const html = renderToStaticMarkup(<HttpStepForm step={step} path={['steps', 2]} issues={issues} onChange={noop} />);

  it('shows every field of the step, each tied to its label', () => {
    expect(labelled(html, 'Name')).toContain('value="search"');
    expect(labelled(html, 'URL')).toContain('value="/search"');
    expect(labelled(html, 'Query parameter 1 name')).toContain('value="q"');
    expect(labelled(html, 'Query parameter 1 value')).toContain('value="shoes"');
    expect(labelled(html, 'Header 1 value')).toContain('value="Bearer ${token}"');
    expect(labelled(html, 'Extract 1 jsonPath')).toContain('value="$..["');
    expect(labelled(html, 'Check 1 status codes')).toContain('value="200, 304"');
    expect(labelled(html, 'Check 2 matches')).toContain('value="^application/json"');
    expect(labelled(html, 'Timeout')).toContain('value="30"');
    expect(html).toMatch(/<option value="POST"[^>]*selected="">POST<\/option>/);
    // The JSON body is edited as JSON text.
    expect(html).toContain('&quot;sku&quot;: &quot;A-1&quot;');
  });

  it('shows an issue next to the field it names, and marks that field invalid', () => {
    expect(issueOf(html, 'Extract 1 jsonPath')).toBe('invalid JSONPath &quot;$..[&quot;');
    expect(labelled(html, 'Extract 1 jsonPath')).toContain('aria-invalid="true"');
    expect(issueOf(html, 'Header 1 value')).toBe('unknown variable &quot;${token}&quot;');
    expect(issueOf(html, 'URL')).toBeNull();
    expect(labelled(html, 'URL')).toContain('aria-invalid="false"');
  });
});

describe('the other step forms', () => {
  it("think: a fixed pause's duration, or a range's bounds", () => {
    expect(
      labelled(renderToStaticMarkup(<ThinkStepForm step={{ kind: 'think', ms: 1500 }} path={['steps', 0]} issues={[]} onChange={noop} />), 'Duration'),
    ).toContain('value="1500"');
    const range = renderToStaticMarkup(
      <ThinkStepForm
        step={{ kind: 'think', minMs: 900, maxMs: 100 }}
        path={['steps', 0]}
        issues={[error(['steps', 0, 'maxMs'], 'must be at least minMs (900)')]}
        onChange={noop}
      />,
    );
    expect(labelled(range, 'At least')).toContain('value="900"');
    expect(issueOf(range, 'At most')).toBe('must be at least minMs (900)');
  });

  it("if: the condition's subject, variable, operator and value", () => {
    const html = renderToStaticMarkup(
      <IfStepForm
        step={{ kind: 'if', condition: { on: 'variable', variable: 'role', op: 'notEquals', value: 'admin' }, then: [] }}
        path={['steps', 1]}
        issues={[error(['steps', 1, 'condition', 'variable'], 'unknown variable "role"')]}
        onChange={noop}
      />,
    );
    expect(html).toMatch(/<option value="variable"[^>]*selected="">/);
    expect(html).toMatch(/<option value="notEquals"[^>]*selected="">/);
    expect(labelled(html, 'Value')).toContain('value="admin"');
    expect(issueOf(html, 'Variable')).toBe('unknown variable &quot;role&quot;');
  });

  it('group: its name and how many times it repeats', () => {
    const html = renderToStaticMarkup(
      <GroupStepForm
        step={{ kind: 'group', name: 'browse', repeat: 5, steps: [] }}
        path={['steps', 3]}
        issues={[error(['steps', 3, 'steps'], 'needs at least one step')]}
        onChange={noop}
      />,
    );
    expect(labelled(html, 'Repeat')).toContain('value="5"');
    expect(labelled(html, 'Name')).toContain('value="browse"');
    expect(html).toContain('needs at least one step');
  });
});

describe('the plan panels', () => {
  it('variables: each name, type and value, an issue at its value', () => {
    const plan: PlanDraft = { variables: { user: 'alice', quantity: 2, admin: false } };
    const html = renderToStaticMarkup(<VariablesPanel plan={plan} issues={[error(['variables', 'user'], 'too short')]} dispatch={noop} />);
    expect(labelled(html, 'Variable 1 name')).toContain('value="user"');
    expect(labelled(html, 'Variable 2 value')).toContain('value="2"');
    expect(issueOf(html, 'Variable 1 value')).toBe('too short');
    expect(html).toMatch(/<option value="number"[^>]*selected="">number<\/option>/);
  });

  it('variables: a secret shows the value the API answered (***) and its type, never [object Object]', () => {
    const plan: PlanDraft = { variables: { password: { value: '***', secret: true } } };
    const html = renderToStaticMarkup(<VariablesPanel plan={plan} issues={[]} dispatch={noop} />);
    expect(labelled(html, 'Variable 1 value')).toContain('value="***"');
    expect(html).toMatch(/<option value="secret"[^>]*selected="">secret<\/option>/);
    expect(html).not.toContain('[object Object]');
  });

  it("feeders: the attachment chosen among the plan's, an issue at its field", () => {
    const plan: PlanDraft = { attachments: [{ name: 'users.csv', text: 'a\n1\n' }], feeders: [{ name: 'users', attachment: 'users.csv', mode: 'unique' }] };
    const html = renderToStaticMarkup(<FeedersPanel plan={plan} issues={[error(['feeders', 0, 'name'], 'also a variable')]} dispatch={noop} />);
    expect(html).toMatch(/<option value="users.csv"[^>]*selected="">/);
    expect(html).toMatch(/<option value="unique"[^>]*selected="">/);
    expect(issueOf(html, 'Feeder 1 name')).toBe('also a variable');
  });
});

const saveButton = (html: string) => /<button[^>]*>Save<\/button>/.exec(html)?.[0] ?? '';

describe('the editor page', () => {
  const plan: PlanDraft = { name: 'shop', baseUrl: 'https://shop.example.com', steps: [{ kind: 'http', name: 'home', method: 'GET', url: '/' }] };

  it('disables Save while the plan has an error, and names the error', () => {
    const html = inRouter(<PlanEditor planId={null} initialPlan={plan} checkPlan={() => [error(['steps', 0, 'url'], 'must start with "/"')]} />);
    expect(saveButton(html)).toContain('disabled=""');
    expect(html).toContain('1 error: fix it to save');
    expect(html).toContain('steps[0].url</button>: must start with &quot;/&quot;');
  });

  it('lets a plan with warnings only be saved', () => {
    const html = inRouter(
      <PlanEditor planId={null} initialPlan={plan} checkPlan={() => [{ path: ['variables', 'x'], message: 'never used', severity: 'warning' }]} />,
    );
    expect(saveButton(html)).not.toBe('');
    expect(saveButton(html)).not.toContain('disabled=""');
  });

  it("draws the plan: a node per step, with its method and URL, and the side pane's tabs", () => {
    const html = inRouter(<PlanEditor planId={null} initialPlan={plan} />);
    expect(html).toContain('data-testid="plan-canvas"');
    expect(html).toContain('data-id="steps[0]"');
    expect(html).toContain('GET /');
    // The side pane's tabs: the selected step's form, the plan's fields, and the YAML view's slot.
    expect(html).toMatch(/role="tab"[^>]*aria-selected="true"[^>]*>Step</);
    expect(html).toMatch(/role="tab"[^>]*>YAML</);
  });

  it('opens a saved plan by id, without the fields the API adds', () => {
    const resource = { ...plan, id: 'p1', createdAt: '2026-12-03T00:00:00.000Z', updatedAt: '2026-12-03T00:00:00.000Z' } as unknown as PlanResource;
    const html = inRouter(<EditorPage />, '/plans/p1/edit', '/plans/:id/edit', [[keys.plan('p1'), resource]]);
    expect(html).toContain('Edit shop');
    expect(html).toContain('href="/plans/p1/launch"');
  });
});
