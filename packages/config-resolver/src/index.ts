export { DEFAULTS } from './defaults.js';
export { ConfigError, PACKAGE_NAME } from './errors.js';
export type { JsonValue, RedactOptions } from './redact.js';
export { REDACTED, redact, redactText, redactUrl } from './redact.js';
export { resolveConfig } from './resolve-config.js';
export type {
  ConfigOptions,
  ConfigProblem,
  Environment,
  ExistsFn,
  Fallback,
  FallbackSetting,
  Family,
  LookupFn,
  Mode,
  NodeAddress,
  NodeAddressInput,
  Platform,
  RedactedConfig,
  RedisOptions,
  ResolveConfigInput,
  ResolvedConfig,
  ResolvedRole,
  ResolvedRoles,
  RoleOptions,
  SentinelAddress,
  TlsOptions,
} from './types.js';
export type { VariableInfo } from './variables.js';
export { VARIABLES } from './variables.js';
