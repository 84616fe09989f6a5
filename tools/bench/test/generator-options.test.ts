import { describe, expect, it } from '@jest/globals';
import { parseCommandLine } from '../src/generator/options.js';

describe('generator benchmark command line', () => {
  it('defaults to 3 rounds of 10 s at 50 connections, generators on CPU 0, nginx on CPU 1', () => {
    const parsed = parseCommandLine([]);
    expect(parsed.help).toBe(false);
    if (parsed.help) return;
    expect(parsed.options).toMatchObject({
      connections: 50,
      duration: 10,
      rounds: 3,
      cases: ['get', 'flow'],
      generatorCpu: 0,
      targetCpu: 1,
      quietCores: 0.3,
      quietWaitS: 600,
      quietPattern: 'jest|ci/run|bench:ingest',
      profileDuration: 10,
      install: true,
      out: 'bench-results/generator.json',
    });
  });

  it('takes every option', () => {
    const parsed = parseCommandLine([
      '--connections',
      '100',
      '--duration',
      '5',
      '--rounds',
      '1',
      '--out',
      'x.json.tmp',
      '--no-install',
      '--profile-duration',
      '0',
      '--generator-cpu',
      '1',
      '--target-cpu',
      '0',
    ]);
    expect(!parsed.help && parsed.options).toMatchObject({
      connections: 100,
      duration: 5,
      rounds: 1,
      out: 'x.json.tmp',
      install: false,
      profileDuration: 0,
      generatorCpu: 1,
      targetCpu: 0,
    });
    expect(parseCommandLine(['--help'])).toEqual({ help: true });
    expect(!parsed.help && parsed.options.cases).toEqual(['get', 'flow']);
    const flowOnly = parseCommandLine(['--cases', 'flow']);
    expect(!flowOnly.help && flowOnly.options.cases).toEqual(['flow']);
  });

  it('names a bad value and refuses unknown flags', () => {
    expect(() => parseCommandLine(['--connections', '0'])).toThrow(/connections/);
    expect(() => parseCommandLine(['--duration', 'abc'])).toThrow(/duration/);
    expect(() => parseCommandLine(['--rounds', '1.5'])).toThrow(/rounds/);
    expect(() => parseCommandLine(['--target-cpu', '0'])).toThrow(/different CPUs/);
    expect(() => parseCommandLine(['--conections', '5'])).toThrow();
    expect(() => parseCommandLine(['--cases', 'get,post'])).toThrow(/cases/);
  });
});
