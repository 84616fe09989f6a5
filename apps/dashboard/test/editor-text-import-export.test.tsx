import { describe, expect, it } from '@jest/globals';
import { readPlanYaml } from '@loadtest/plan';
import { renderToStaticMarkup } from 'react-dom/server';
import { ApiError } from '../src/api/client.js';
import { exportFile, planFileStem } from '../src/editor/import-export/export-file.js';
import { ExportMenu } from '../src/editor/import-export/export-menu.js';
import { ImportPanel } from '../src/editor/import-export/import-panel.js';
import { ImportProblemList } from '../src/editor/import-export/import-problem-list.js';
import { importProblems, planOrProblems } from '../src/editor/import-export/import-problems.js';
import { importPlan, importRequest } from '../src/editor/import-export/import-request.js';

const ignore = (_plan: unknown) => undefined;

describe('importRequest', () => {
  it('sends a HAR file as it is to /imports/har, with the pauses as think steps when asked', () => {
    const har = '{"log":{"entries":[]}}';
    expect(importRequest({ kind: 'har', text: har })).toEqual({
      path: '/imports/har',
      init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: har },
    });
    expect(importRequest({ kind: 'har', text: har, thinkTime: true }, ' shop ').path).toBe('/imports/har?name=shop&thinkTime=true');
  });

  it('sends curl command lines as { commands }, and an old plan as it is, never with save', () => {
    const curl = importRequest({ kind: 'curl', commands: "curl -X POST https://a.test/x -d 'a=1'" });
    expect(curl.path).toBe('/imports/curl');
    expect(JSON.parse(curl.init.body as string)).toEqual({ commands: "curl -X POST https://a.test/x -d 'a=1'" });
    const legacy = importRequest({ kind: 'legacy', text: '{"testPlan":[]}' }, 'old & new');
    expect(legacy).toMatchObject({ path: '/imports/legacy?name=old+%26+new', init: { body: '{"testPlan":[]}' } });
    expect(legacy.path).not.toContain('save');
  });

  it("answers the plan of the master's { plan }", async () => {
    const sent: string[] = [];
    const plan = await importPlan({ kind: 'curl', commands: 'curl https://a.test/' }, undefined, async <T,>(path: string) => {
      sent.push(path);
      return { plan: { name: 'imported' } } as T;
    });
    expect(plan).toEqual({ name: 'imported' });
    expect(sent).toEqual(['/imports/curl']);
  });
});

describe('import problems', () => {
  const refused = new ApiError(
    400,
    {
      statusCode: 400,
      error: 'Bad Request',
      message: 'invalid legacy plan: testPlan[0].children[2].data.url: required: the absolute URL',
      issues: [{ path: 'testPlan[0].children[2].data.url', message: 'required: the absolute URL' }],
    },
    '/imports/legacy',
  );

  it("lists a 400's problems with their fields, else the message", async () => {
    expect(importProblems(refused)).toEqual([{ field: 'testPlan[0].children[2].data.url', message: 'required: the absolute URL' }]);
    expect(importProblems(new ApiError(413, null, '/imports/har'))).toEqual([{ field: '', message: 'the file is too large for the master' }]);
    expect(await planOrProblems(() => Promise.reject(new TypeError('Failed to fetch')))).toEqual({
      ok: false,
      problems: [{ field: '', message: 'Failed to fetch' }],
    });
    expect(await planOrProblems(() => Promise.resolve({ name: 'p' }))).toEqual({ ok: true, plan: { name: 'p' } });
  });

  it('shows each problem with its field, as an alert', () => {
    const html = renderToStaticMarkup(<ImportProblemList problems={importProblems(refused)} source="legacy" />);
    expect(html).toContain('role="alert"');
    expect(html).toContain('<code>testPlan[0].children[2].data.url</code>: required: the absolute URL');
  });
});

describe('ImportPanel', () => {
  const html = renderToStaticMarkup(<ImportPanel onImported={ignore} />);
  /** The text of the label tied to the input of that type (by for/id). */
  const labelOf = (type: string, accept: string) => {
    const id = new RegExp(`<input id="([^"]+)" type="${type}" accept="${accept.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`).exec(html)?.[1];
    return id ? new RegExp(`<label for="${id}"[^>]*>([^<]*)`).exec(html)?.[1] : undefined;
  };

  it('labels its two file inputs and its curl box', () => {
    expect(labelOf('file', '.har,application/json')).toMatch(/^HAR file/);
    expect(labelOf('file', '.json,application/json')).toMatch(/^Old tool(&#x27;|')s plan file/);
    const curlId = /<textarea id="([^"]+)"/.exec(html)?.[1];
    expect(html).toContain(`<label for="${curlId}" class="block font-semibold">curl commands</label>`);
  });

  it('offers the curl import once there are commands, and shows no problem at first', () => {
    expect(html).toMatch(/<button type="submit"[^>]*disabled=""[^>]*>Import curl commands<\/button>/);
    expect(html).not.toContain('role="alert"');
  });
});

describe('export', () => {
  const plan = { name: 'Login & Profile / v2', baseUrl: 'https://x.test', steps: [{ name: 'a', method: 'GET', url: '/a' }] };

  it('names the file after the plan, safe on any system', () => {
    expect(planFileStem(plan)).toBe('login-profile-v2');
    expect(planFileStem({ name: '  ..Über: café?? ' })).toBe('über-café');
    expect(planFileStem({ name: '' })).toBe('plan');
    expect(planFileStem(null)).toBe('plan');
    expect(planFileStem({ name: 'x'.repeat(300) })).toHaveLength(80);
  });

  it('writes YAML and JSON that read back as the draft', () => {
    const yaml = exportFile(plan, 'yaml');
    expect(yaml).toMatchObject({ fileName: 'login-profile-v2.yaml', type: 'application/yaml' });
    expect(readPlanYaml(yaml.content)).toEqual(plan);
    const json = exportFile(plan, 'json');
    expect(json).toMatchObject({ fileName: 'login-profile-v2.json', type: 'application/json' });
    expect(JSON.parse(json.content)).toEqual(plan);
  });

  it('offers both downloads, labelled with the file name', () => {
    const html = renderToStaticMarkup(<ExportMenu plan={plan} />);
    expect(html).toContain('aria-label="Download YAML (login-profile-v2.yaml)"');
    expect(html).toContain('aria-label="Download JSON (login-profile-v2.json)"');
  });
});
