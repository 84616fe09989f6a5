import { PRESET_NAMES, StartRunBodySchema, type ScenarioInputSchema } from '@loadtest/protocol';
import type { z } from 'zod';
import { parseDuration } from './duration.js';
import { parseThresholdOption, type ThresholdInput } from './threshold-option.js';

/** The options of `loadtest run` that shape the run request, as commander gives them (strings until checked here). */
export interface RunOptions {
  vus?: number | undefined;
  duration?: string | undefined;
  rate?: number | undefined;
  maxVus?: number | undefined;
  preset?: string | undefined;
  gracefulStop?: string | undefined;
  timeout?: string | undefined;
  threshold?: string[] | undefined;
  abortThreshold?: string[] | undefined;
  abortGrace?: string | undefined;
}

/** The body of `POST /plans/:id/runs` as sent (the master fills in its defaults). */
export type StartRunInput = z.input<typeof StartRunBodySchema>;

/** With no load option at all: one VU for 10 s, enough to try a plan. */
export const DEFAULT_VUS = 1;
export const DEFAULT_DURATION_SECONDS = 10;

export type StartRunResult = { ok: true; body: StartRunInput } | { ok: false; errors: string[] };

function seconds(option: string, text: string | undefined, errors: string[], min = 1): number | undefined {
  if (text === undefined) return undefined;
  // gracefulStop may be 0: the duration reader takes whole seconds ≥ 1, so "0"/"0s" are read here.
  if (min === 0 && /^0+s?$/.test(text.trim())) return 0;
  const parsed = parseDuration(text);
  if (parsed.ok) return parsed.seconds;
  errors.push(`${option}: ${parsed.error}`);
  return undefined;
}

/** The one scenario the load options describe: constant VUs, a constant arrival rate, or a preset. */
function scenario(options: RunOptions, errors: string[]): z.input<typeof ScenarioInputSchema> | undefined {
  const duration = seconds('--duration', options.duration, errors);
  const gracefulStop = seconds('--graceful-stop', options.gracefulStop, errors, 0);
  const stop = gracefulStop === undefined ? {} : { gracefulStop };
  if (options.preset !== undefined) {
    const preset = options.preset.toUpperCase();
    if (!(PRESET_NAMES as readonly string[]).includes(preset)) errors.push(`--preset must be one of ${PRESET_NAMES.join(', ')}, not "${options.preset}"`);
    if (options.rate !== undefined || options.maxVus !== undefined) errors.push('--preset shapes VUs: it does not go with --rate or --max-vus');
    if (options.vus === undefined) errors.push('--preset needs --vus, the peak number of VUs');
    if (errors.length > 0) return undefined;
    return {
      name: 'default',
      executor: 'preset',
      preset: preset as (typeof PRESET_NAMES)[number],
      vus: options.vus!,
      ...(duration === undefined ? {} : { duration }),
      ...stop,
    };
  }
  if (options.rate !== undefined) {
    if (options.vus !== undefined) errors.push('--rate is the open model: give --max-vus (the connections it may use), not --vus');
    if (options.maxVus === undefined) errors.push('--rate needs --max-vus, the most connections the rate may keep busy');
    if (duration === undefined) errors.push('--rate needs --duration');
    if (errors.length > 0) return undefined;
    return { name: 'default', executor: 'constant-arrival-rate', rate: options.rate, maxVUs: options.maxVus!, duration: duration!, ...stop };
  }
  if (options.maxVus !== undefined) errors.push('--max-vus goes with --rate (with a fixed number of VUs, use --vus)');
  if (errors.length > 0) return undefined;
  return { name: 'default', executor: 'constant-vus', vus: options.vus ?? DEFAULT_VUS, duration: duration ?? DEFAULT_DURATION_SECONDS, ...stop };
}

function thresholds(options: RunOptions, errors: string[]): ThresholdInput[] {
  const out: ThresholdInput[] = [];
  const grace = seconds('--abort-grace', options.abortGrace, errors, 0);
  if (grace !== undefined && (options.abortThreshold ?? []).length === 0) errors.push('--abort-grace goes with --abort-threshold');
  const read = (texts: string[] | undefined, option: string, abort: boolean) => {
    for (const text of texts ?? []) {
      const parsed = parseThresholdOption(text);
      if (!parsed.ok) errors.push(`${option}: ${parsed.error}`);
      else out.push(abort ? { ...parsed.threshold, abortOnFail: true, ...(grace === undefined ? {} : { abortGraceSeconds: grace }) } : parsed.threshold);
    }
  };
  read(options.threshold, '--threshold', false);
  read(options.abortThreshold, '--abort-threshold', true);
  return out;
}

/** The run request's fields and the options that set them, to name the option a value of which the API schema refuses. */
const OPTION_OF_FIELD: Record<string, string> = {
  vus: '--vus',
  duration: '--duration',
  rate: '--rate',
  maxVUs: '--max-vus',
  gracefulStop: '--graceful-stop',
  timeoutSeconds: '--timeout',
  expression: '--threshold',
  abortGraceSeconds: '--abort-grace',
};

function optionOf(path: readonly PropertyKey[]): string {
  const field = [...path].reverse().find((key) => typeof key === 'string' && key in OPTION_OF_FIELD);
  return field === undefined ? path.map(String).join('.') : OPTION_OF_FIELD[field as string]!;
}

/**
 * The run request from `loadtest run`'s options: `--vus/--duration` → a constant-vus scenario, `--rate/--max-vus/--duration`
 * → constant-arrival-rate, `--preset NAME --vus PEAK [--duration]` → a preset the master expands; thresholds checked with the
 * master's parser. Every mistake is listed at once; the result is checked with the API's own schema before it is sent.
 */
export function startRunBody(options: RunOptions): StartRunResult {
  const errors: string[] = [];
  const load = scenario(options, errors);
  const list = thresholds(options, errors);
  const timeout = seconds('--timeout', options.timeout, errors);
  if (errors.length > 0 || !load) return { ok: false, errors };
  const body: StartRunInput = { scenarios: [load], thresholds: list, ...(timeout === undefined ? {} : { timeoutSeconds: timeout }) };
  const checked = StartRunBodySchema.safeParse(body);
  if (!checked.success) return { ok: false, errors: checked.error.issues.map((i) => `${optionOf(i.path)}: ${i.message}`) };
  return { ok: true, body };
}
