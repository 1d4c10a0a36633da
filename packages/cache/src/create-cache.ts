import type { ResolvedRole } from '@redis-infra/config-resolver';
import { Cache } from './cache.js';
import { CacheCore } from './core.js';
import { KeySpace } from './keys.js';
import { resolveOptions } from './options.js';
import type { CacheOptions } from './types.js';

/**
 * Creates a cache over `options.manager`'s role (`cache` by default). The manager may
 * still be connecting; the cache subscribes to its bus right away. Throws
 * `CacheOptionsError` (`E_INVALID_OPTION`) listing every problem with the options.
 */
export function createCache(options: CacheOptions): Cache {
  const resolved = resolveOptions(options);
  // The role's own prefix: `manager.settings(role)` reports the settings of the first role
  // sharing its connections, which may have another prefix.
  const { keyPrefix } = resolved.manager.config.roles[resolved.role] as ResolvedRole;
  const ns = new KeySpace(keyPrefix, resolved.namespace);
  const core = new CacheCore(resolved, `${keyPrefix}#cache:bus`, ns);
  return new Cache(core, ns);
}
