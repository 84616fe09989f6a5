export { PlanYamlError, readPlanYaml } from './text/plan-yaml.js';
