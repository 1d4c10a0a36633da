export type { Cache } from './cache.js';
export { createCache } from './create-cache.js';
export {
  CacheClosedError,
  CacheError,
  CacheOptionsError,
  L2Error,
  LoaderError,
  LoaderTimeoutError,
  SerializationError,
  ValueTooLargeError,
} from './errors.js';
export { DEFAULTS } from './options.js';
export { jsonSerializer } from './serializer.js';
export { cacheChannel } from './tracing.js';
export type {
  BusOptions,
  CacheEvent,
  CacheOptions,
  CacheStats,
  GetOrSetOptions,
  L1Options,
  Loader,
  LoaderContext,
  LockOptions,
  Serializer,
  SetManyEntry,
  SetOptions,
} from './types.js';
