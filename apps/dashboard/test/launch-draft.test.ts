import { describe, expect, it } from '@jest/globals';
import { checkDraft, newDraft, newScenario, requestBody, type LaunchDraft } from '../src/launch/launch-draft.js';

const STEPS = ['root', 'login'];

const draftWith = (change: (draft: LaunchDraft) => void): LaunchDraft => {
  const draft = newDraft();
  change(draft);
  return draft;
};

describe('checkDraft: the master’s own checks, in the form', () => {
  it('accepts the default draft and plans its load: 10 VUs for 30 s', () => {
    const check = checkDraft(newDraft(), STEPS);
    if (!check.ok) throw new Error(JSON.stringify(check.issues));
    expect(check.planned.durationSeconds).toBe(30);
    expect(check.planned.vus[0]).toBe(10);
    expect(check.planned.vus[29]).toBe(10);
    expect(check.planned.rate.every((r) => r === 0)).toBe(true);
    expect(check.planned.peakConnections).toBe(10);
  });

  it('plans an arrival rate per second, and the connections as its maxVUs', () => {
    const check = checkDraft(
      draftWith((d) => {
        d.scenarios = [{ ...newScenario(0, 'constant-arrival-rate'), rate: '50', duration: '10', maxVUs: '20' }];
      }),
      STEPS,
    );
    if (!check.ok) throw new Error(JSON.stringify(check.issues));
    expect(check.planned.rate.slice(0, 10)).toEqual(Array(10).fill(50));
    expect(check.planned.peakConnections).toBe(20);
  });

  it('expands a preset as the master does (stages of VUs), and adds up several scenarios', () => {
    const check = checkDraft(
      draftWith((d) => {
        d.scenarios = [
          { ...newScenario(0, 'preset'), preset: 'SPIKE', vus: '100', duration: '60' },
          { ...newScenario(1, 'constant-vus'), vus: '5', duration: '60' },
        ];
      }),
      STEPS,
    );
    if (!check.ok) throw new Error(JSON.stringify(check.issues));
    expect(Math.max(...check.planned.vus)).toBe(105);
    expect(check.planned.peakConnections).toBe(105);
  });

  it('names each bad field by the path the API’s 400 uses', () => {
    const check = checkDraft(
      draftWith((d) => {
        d.scenarios = [{ ...newScenario(0, 'constant-arrival-rate'), rate: 'fast', maxVUs: '' }];
        d.thresholds = [
          { expression: 'p95 < 1s', step: '', abortOnFail: false },
          { expression: 'p(95) < 300ms', step: 'checkout', abortOnFail: false },
        ];
      }),
      STEPS,
    );
    expect(check.ok).toBe(false);
    if (check.ok) return;
    const paths = check.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['scenarios[0].rate', 'scenarios[0].maxVUs', 'thresholds[0].expression', 'thresholds[1].step']));
    expect(check.issues.find((i) => i.path === 'thresholds[0].expression')!.message).toContain('unknown metric');
  });

  it('refuses two scenarios with one name, as the master does', () => {
    const check = checkDraft(
      draftWith((d) => {
        d.scenarios = [newScenario(0), { ...newScenario(1), name: 'default' }];
      }),
      STEPS,
    );
    expect(check.ok ? [] : check.issues.map((i) => i.path)).toContain('scenarios[1].name');
  });

  it('sends only the fields of the chosen executor', () => {
    const body = requestBody(draftWith((d) => (d.scenarios = [{ ...newScenario(0, 'ramping-vus'), startVUs: '2' }]))) as {
      scenarios: Record<string, unknown>[];
    };
    expect(body.scenarios[0]).toEqual({
      name: 'default',
      startTime: 0,
      executor: 'ramping-vus',
      startVUs: 2,
      stages: [
        { duration: 10, target: 20 },
        { duration: 20, target: 20 },
      ],
    });
  });
});
