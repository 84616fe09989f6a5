import type { PlanResource, RunResource } from '@loadtest/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { api, REPO_ROOT, runInState } from '../harness.js';
import { SCREENSHOTS, startDashboardStack, type DashboardStack } from './dashboard-stack.js';

const FIXTURES = join(REPO_ROOT, 'libs/plan-import/test/fixtures');

/**
 * The plan editor in a real Chromium, on `npm start`: a plan drawn with the mouse and the keyboard, the YAML view
 * following it and leading it, saved through the API and run against tools/target; imports opened and saved.
 */
describe('plan editor in Chromium, on npm start (embedded default)', () => {
  let stack: DashboardStack;
  let page: Page;

  beforeAll(async () => {
    // The imports' fixtures name example hosts (a shop, its CDN): allowed here beside loopback, so that they can be saved.
    stack = await startDashboardStack(1, { LOADTEST_TARGET_ALLOWLIST: 'localhost,127.0.0.0/8,::1,*.example.com,*.example.net' });
    page = stack.page;
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  afterEach(() => {
    expect(stack.pageErrors.splice(0)).toEqual([]);
  });

  /** The side pane's open tab. */
  const pane = () => page.getByRole('tabpanel');
  const field = (label: string) => pane().getByLabel(label, { exact: true });
  /** A step's node on the canvas, by its path (`steps[1].then[0]`). */
  const stepNode = (path: string) => page.locator(`.react-flow__node[data-id="${path}"]`);
  const yamlText = async () => {
    await page.getByRole('tab', { name: 'YAML' }).click();
    await page.locator('.cm-content').waitFor();
    return page.locator('.cm-content').innerText();
  };

  /** Drags from one handle to another with the mouse, as a user connects two steps. */
  async function connect(from: Locator, to: Locator): Promise<void> {
    const a = (await from.boundingBox())!;
    const b = (await to.boundingBox())!;
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2 - 12, { steps: 8 });
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 4 });
    await page.mouse.up();
  }

  it('a 3-step plan drawn with the mouse and the keyboard shows in the YAML; the YAML edited shows in the graph; saved, it runs and the target sees the extracted token', async () => {
    const { base, target } = stack;
    await page.goto(`${base}/plans/new`);
    await page.getByRole('heading', { name: 'New plan' }).waitFor();
    await page.getByRole('tab', { name: 'Plan' }).click();
    await field('Plan name').fill('editor e2e');
    await field('Base URL').fill(target.url);

    // Step 1, the login: the new plan's first request, edited in its form.
    await stepNode('steps[0]').click();
    await field('Name').fill('login');
    await field('Method').selectOption('POST');
    await field('URL').fill('/login');
    await field('Body type').selectOption('json');
    await field('JSON body').fill('{"user": "ada", "password": "secret"}');
    await pane().getByRole('button', { name: 'Add extract' }).click();
    await field('Extract 1 variable').fill('token');
    await field('Extract 1 jsonPath').fill('$.token');
    // Extracted and not used yet: a warning, which does not block saving.
    await page.getByText('variable "token" is extracted but never used').first().waitFor();

    // Step 2, an `if` on the status, added from the palette with the keyboard: after the selected step.
    await page.getByRole('button', { name: 'If (condition)' }).focus();
    await page.keyboard.press('Enter');
    await stepNode('steps[1]').getByText('status = 200').waitFor();

    // Step 3, a GET added with the mouse (after the if), then moved into the if's `then` by connecting its green handle to it.
    await page.getByRole('button', { name: 'HTTP request' }).click();
    await connect(stepNode('steps[1]').locator('.react-flow__handle[data-handleid="then"]'), stepNode('steps[2]').locator('.react-flow__handle.target'));
    await stepNode('steps[1].then[0]').click();
    await field('Name').fill('profile');
    await field('URL').fill('/protected');
    await pane().getByRole('button', { name: 'Add header' }).click();
    await field('Header 1 name').fill('Authorization');
    await field('Header 1 value').fill('Bearer ${token}');
    await page.getByText('is extracted but never used').first().waitFor({ state: 'detached' });

    const drawn = await yamlText();
    for (const line of [
      'name: editor e2e',
      `baseUrl: ${target.url}`,
      'method: POST',
      'url: /login',
      'jsonPath: $.token',
      'on: status',
      'then:',
      'Authorization: Bearer ${token}',
    ])
      expect(drawn).toContain(line);
    expect(drawn.indexOf('Authorization')).toBeGreaterThan(drawn.indexOf('then:'));
    await page.screenshot({ path: join(SCREENSHOTS, 'editor.png') });

    // The YAML edited (the GET renamed, a think step added before the if): the graph follows.
    const edited = drawn.replace('name: profile', 'name: read profile').replace('  - kind: if', '  - kind: think\n    ms: 100\n  - kind: if');
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(edited);
    await stepNode('steps[2].then[0]').getByText('read profile').waitFor({ timeout: 10_000 });
    await stepNode('steps[1]').getByText('0.1 s').first().waitFor();

    // A field the master would refuse is named on its node and field, and Save is blocked until it is fixed.
    await stepNode('steps[0]').click();
    await field('Extract 1 jsonPath').fill('$[');
    await stepNode('steps[0]').getByText('1', { exact: true }).waitFor();
    await page.getByText(/^steps\[0\]\.extract\[0\]\.jsonPath$/).waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await field('Extract 1 jsonPath').fill('$.token');
    await page.getByText(/^steps\[0\]\.extract\[0\]\.jsonPath$/).waitFor({ state: 'detached' });

    // One iteration of the draft, before it is saved, on the worker's own load path: each request and response shown.
    target.resetStats();
    await stack.idleWorkers();
    await page.getByRole('tab', { name: 'Try' }).click();
    await pane().getByRole('button', { name: 'Try one iteration' }).click();
    const login = pane().locator('details').filter({ hasText: 'login' });
    const profile = pane().locator('details').filter({ hasText: 'read profile' });
    await profile.waitFor({ timeout: 30_000 });
    await login.locator('summary').click();
    const issued = /"token":"([0-9a-f]+)"/.exec(await login.innerText())?.[1];
    expect(issued).toMatch(/^[0-9a-f]{32}$/);
    expect(await login.innerText()).toContain(`token = "${issued}"`);
    await profile.locator('summary').click();
    expect(await profile.locator('summary').innerText()).toContain('200');
    expect(await profile.innerText()).toContain(`Bearer ${issued}`);
    expect(target.stats().byRoute).toEqual({ 'POST /login': 1, 'GET /protected': 1 });
    await page.screenshot({ path: join(SCREENSHOTS, 'editor-try.png') });

    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/plans\/[0-9a-f-]{36}\/edit$/, { timeout: 15_000 });
    const id = page.url().split('/').at(-2)!;
    const saved = (await api<PlanResource>(base, 'GET', `/api/v1/plans/${id}`)).body;
    expect(saved.steps).toEqual([
      expect.objectContaining({
        kind: 'http',
        name: 'login',
        method: 'POST',
        url: '/login',
        body: { json: { user: 'ada', password: 'secret' } },
        extract: [{ var: 'token', jsonPath: '$.token' }],
      }),
      { kind: 'think', ms: 100 },
      expect.objectContaining({
        kind: 'if',
        condition: { on: 'status', op: 'equals', value: 200 },
        then: [expect.objectContaining({ kind: 'http', name: 'read profile', url: '/protected', headers: { Authorization: 'Bearer ${token}' } })],
      }),
    ]);

    // Run as saved, against the target: every /protected request carried a token the target issued at /login.
    target.resetStats();
    await stack.idleWorkers();
    const started = await api<RunResource>(base, 'POST', `/api/v1/plans/${id}/runs`, { scenarios: [{ executor: 'constant-vus', vus: 2, duration: 2 }] });
    expect(started.status).toBe(201);
    const ended = await runInState(base, started.body.id, 'finished', 60_000);
    const stats = target.stats();
    expect(stats.byRoute['POST /login']).toBeGreaterThan(0);
    expect(stats.byRoute['GET /protected']).toBe(stats.byRoute['POST /login']);
    expect(stats.unauthorized).toBe(0);
    expect(Object.values(ended.summary?.errors ?? {}).reduce((sum, n) => sum + n, 0)).toBe(0);
  });

  it('a step dragged from the palette onto the canvas is added at the end; Delete removes it; Ctrl+Z and Ctrl+Shift+Z undo and redo', async () => {
    await page.goto(`${stack.base}/plans/new`);
    await stepNode('steps[0]').waitFor();
    await page.getByRole('button', { name: 'Think time' }).dragTo(page.locator('.react-flow__pane'), { targetPosition: { x: 40, y: 40 } });
    await stepNode('steps[1]').getByText('Think time', { exact: false }).waitFor();
    await stepNode('steps[1]').click();
    await page.keyboard.press('Delete');
    await stepNode('steps[1]').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+Z');
    await stepNode('steps[1]').waitFor();
    await page.keyboard.press('Control+Shift+Z');
    await stepNode('steps[1]').waitFor({ state: 'detached' });
    expect(await page.locator('.react-flow__node').count()).toBe(2); // the plan's own node and its first request
  });

  it("the API's 400 is shown on the field it names when the editor could not know it (a target the master refuses), and Save waits for an edit", async () => {
    await page.goto(`${stack.base}/plans/new`);
    await page.getByRole('tab', { name: 'Plan' }).click();
    // The schema takes any http(s) URL; only the master's target check refuses the cloud metadata address.
    await field('Base URL').fill('http://169.254.169.254');
    const save = page.getByRole('button', { name: 'Save' });
    expect(await save.isDisabled()).toBe(false);
    await save.click();
    await pane().getByText('169.254.169.254', { exact: false }).filter({ hasText: 'refused' }).first().waitFor({ timeout: 10_000 });
    await page
      .locator('#editor-issues')
      .getByText(/^baseUrl$/)
      .waitFor();
    expect(page.url()).toMatch(/\/plans\/new$/);
    expect(await save.isDisabled()).toBe(true);
    // Edited, the plan may be sent again: the refusal was about the plan that was sent.
    await field('Base URL').fill(stack.target.url);
    await page
      .locator('#editor-issues')
      .getByText(/^baseUrl$/)
      .waitFor({ state: 'detached' });
    expect(await save.isDisabled()).toBe(false);
  });

  it('a HAR recording and an old-tool plan open in the editor laid out, and save', async () => {
    const { base } = stack;
    for (const [file, label, endpoint] of [
      ['shop-session.har', 'HAR file', 'har'],
      ['legacy-saved-plan.json', "Old tool's plan file", 'legacy'],
    ] as const) {
      // What the master's import makes of the file: what the editor must open, and save.
      const document = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as object;
      const converted = await api<{ plan: { steps: { name?: string }[] } }>(base, 'POST', `/api/v1/imports/${endpoint}`, document);
      expect(converted.status).toBe(200);
      const names = converted.body.plan.steps.map((step) => step.name);
      expect(names.length).toBeGreaterThanOrEqual(2);
      await page.goto(`${base}/plans/new`);
      await page.getByRole('tab', { name: 'Import' }).click();
      await page.getByLabel(label, { exact: false }).setInputFiles(join(FIXTURES, file));
      // The imported plan replaces the draft: its steps are on the canvas, one below the other.
      // (The new plan's own first request is also a `GET /`: the import is there once its last step is.)
      await stepNode(`steps[${names.length - 1}]`)
        .getByText(names.at(-1)!)
        .first()
        .waitFor({ timeout: 15_000 });
      await stepNode('steps[0]').getByText(names[0]!).first().waitFor();
      const first = (await stepNode('steps[0]').boundingBox())!;
      const second = (await stepNode('steps[1]').boundingBox())!;
      expect(second.y).toBeGreaterThan(first.y + first.height);
      if (file.endsWith('.har')) await page.screenshot({ path: join(SCREENSHOTS, 'editor-import.png') });
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(/\/plans\/[0-9a-f-]{36}\/edit$/, { timeout: 15_000 });
      const saved = (await api<PlanResource>(base, 'GET', `/api/v1/plans/${page.url().split('/').at(-2)}`)).body;
      expect(saved.steps.map((step) => ('name' in step ? step.name : undefined))).toEqual(names);
    }
  });
});
