export { PlanImportError } from './errors.js';
export { DROPPED_HEADERS } from './common.js';
export { HarSchema, planFromHar, type Har, type HarImportOptions } from './har.js';
export { CurlCommandsSchema, planFromCurl, type CurlCommands, type CurlImportOptions } from './curl.js';
export { LegacyNodeSchema, LegacyTreeSchema, LEGACY_NODE_TYPES, planFromLegacyTree, type LegacyImportOptions, type LegacyNode, type LegacyTree } from './legacy.js';
