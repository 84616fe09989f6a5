// What a plan means, beyond its shape (the shape, `PlanObjectSchema` and the step schemas, is a contract: @loadtest/protocol).
// This entry is browser-safe (the dashboard's editor checks plans with it; csv-parse is taken in its browser build there);
// the flow engine that runs a plan, for Node, is `@loadtest/plan/flow`.
export { PlanSchema, StoredPlanSchema } from './validation/plan-schema.js';
export { jsonPathProblem, planProblems, regexProblem, type PlanPath, type PlanProblem } from './validation/plan-problems.js';
export { planTextKind } from './validation/plan-text.js';
export { parseTemplate, scanTemplate, TemplateError, templateVariables, type TemplatePart } from './template/template.js';
export { attachmentText, feederFormat, FeederDataError, readFeederData, type FeederData, type FeederFormat } from './feeders/feeder-data.js';
export { PlanYamlError, readPlanYaml } from './text/plan-yaml.js';
export { writePlanYaml } from './text/write-plan-yaml.js';
