export { PlanImportError } from './errors.js';
export { DROPPED_HEADERS } from './common.js';
export { HarSchema, planFromHar, type Har, type HarImportOptions } from './har.js';
export { CurlCommandsSchema, planFromCurl, type CurlCommands, type CurlImportOptions } from './curl.js';
export {
  LegacyPlanSchema,
  LegacyTreeNodeSchema,
  LEGACY_NODE_TYPES,
  planFromLegacyDocument,
  type LegacyImportOptions,
  type LegacyPlan,
  type LegacyTreeNode,
} from './legacy.js';
