export {
  ALWAYS_DENIED,
  METADATA_NAMES,
  allowsAnyHost,
  describeAllowlist,
  isIpLiteral,
  normaliseHost,
  parseAllowlist,
  parseEntry,
  type AllowEntry,
  type Allowlist,
  type DeniedEndpoint,
  type PortRange,
} from './allowlist.js';
export {
  checkAddress,
  checkHostName,
  checkUrl,
  hasTemplateHost,
  resolveAndCheck,
  systemLookup,
  type CheckedUrl,
  type Lookup,
  type LookupAddress,
  type ResolvedTarget,
} from './check.js';
export { TargetRefused } from './refused.js';
export { deniedEndpoints, targetPolicyFromEnv, type TargetPolicy } from './policy-env.js';
