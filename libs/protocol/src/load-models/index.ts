import { z } from 'zod';
import { gracefulStop, scenarioName, startTime } from './common.js';
import { ConstantArrivalRateSchema } from './constant-arrival-rate.js';
import { ConstantVusSchema } from './constant-vus.js';
import { PresetSchema } from './preset.js';
import { RampingArrivalRateSchema } from './ramping-arrival-rate.js';
import { RampingVusSchema } from './ramping-vus.js';

export { MAX_GRACEFUL_STOP_SECONDS, MAX_SECONDS, StageSchema, type Stage } from './common.js';
export * from './constant-vus.js';
export * from './ramping-vus.js';
export * from './constant-arrival-rate.js';
export * from './ramping-arrival-rate.js';
export * from './preset.js';
export * from './segment.js';

export const EXECUTORS = ['constant-vus', 'ramping-vus', 'constant-arrival-rate', 'ramping-arrival-rate'] as const;
export type Executor = (typeof EXECUTORS)[number];

/**
 * A scenario: one load model with its name and start offset (k6's executors are
 * the reference). This is the form that is run, stored and sent to workers.
 */
export const LoadModelSchema = z
  .discriminatedUnion('executor', [ConstantVusSchema, RampingVusSchema, ConstantArrivalRateSchema, RampingArrivalRateSchema], {
    error: `must be one of ${EXECUTORS.join(', ')}`,
  })
  .meta({ id: 'Scenario' });
export type LoadModel = z.infer<typeof LoadModelSchema>;
export const ScenarioSchema = LoadModelSchema;
export type Scenario = LoadModel;

/** A preset asked for in a run request; the master expands it into a ramping-vus scenario. */
export const PresetScenarioSchema = PresetSchema.extend({
  name: scenarioName.default('default'),
  executor: z.literal('preset'),
  startTime,
  gracefulStop,
}).meta({ id: 'PresetScenario' });
export type PresetScenario = z.infer<typeof PresetScenarioSchema>;

/** A scenario as a run request may give it: a load model, or a preset to expand. */
export const ScenarioInputSchema = z.discriminatedUnion(
  'executor',
  [ConstantVusSchema, RampingVusSchema, ConstantArrivalRateSchema, RampingArrivalRateSchema, PresetScenarioSchema],
  { error: `must be one of ${EXECUTORS.join(', ')} or preset` },
);
export type ScenarioInput = z.infer<typeof ScenarioInputSchema>;
