import { channel } from 'node:diagnostics_channel';
import type { CacheEvent } from './types.js';

/** The `diagnostics_channel` the cache reports its operations on: `redis-infra:cache`. */
export const cacheChannel = channel('redis-infra:cache');

/** Publishes one `CacheEvent`, only while someone subscribes (nothing is built otherwise). */
export function trace(
  op: CacheEvent['op'],
  namespace: string,
  key: string,
  hit: boolean,
  tier: CacheEvent['tier'],
): void {
  if (cacheChannel.hasSubscribers) {
    const event: CacheEvent = { op, namespace, key, hit, tier };
    cacheChannel.publish(event);
  }
}
