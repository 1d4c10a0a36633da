import { createHook } from 'node:async_hooks';
import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Owner } from '@redis-infra/testing';
import type { FastifyInstance } from 'fastify';

/** What a process holds at one moment, for leak checks between cycles. */
export interface Resources {
  /**
   * Used V8 heap after two full collections, in bytes, code space left out: compiled code
   * keeps growing for a while as the JIT warms up, and is not what a leak retains.
   */
  heap: number;
  /** Live timers (`setTimeout`/`setInterval`), unref'd ones included. */
  timers: number;
  /** Live TCP handles (client and server sockets, listeners). */
  sockets: number;
  /** `process.getActiveResourcesInfo()` counted by type (ref'd handles and timers only). */
  active: Record<string, number>;
  /** Listeners on the app's manager, on its pooled client and subscriber, and on `process`. */
  listeners: { manager: number; client: number; subscriber: number; process: number };
}

/** Every listener of `emitter`, all events together. */
function listenerTotal(emitter: EventEmitter): number {
  return emitter.eventNames().reduce((sum, name) => sum + emitter.listenerCount(name), 0);
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Starts counting live timers and TCP handles (through `async_hooks`, so unref'd timers,
 * which `getActiveResourcesInfo` leaves out, count too) until `owner` ends; `snapshot(app)`
 * collects garbage and reads every figure of {@link Resources}.
 */
export function trackResources(owner: Owner): {
  snapshot(app: FastifyInstance): Promise<Resources>;
} {
  const live = new Map<number, string>();
  const hook = createHook({
    init(id, type) {
      if (type === 'Timeout' || type === 'TCPWRAP' || type === 'TCPSERVERWRAP') live.set(id, type);
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  owner.teardown(() => hook.disable());
  return {
    async snapshot(app) {
      gc();
      await sleep(10); // destroy hooks of collected handles run on a later tick
      gc();
      const active: Record<string, number> = {};
      for (const type of process.getActiveResourcesInfo()) active[type] = (active[type] ?? 0) + 1;
      const types = [...live.values()];
      const manager = app.redisManager;
      return {
        heap: getHeapSpaceStatistics()
          .filter((space) => space.space_name !== 'code_space')
          .reduce((sum, space) => sum + space.space_used_size, 0),
        timers: types.filter((type) => type === 'Timeout').length,
        sockets: types.filter((type) => type !== 'Timeout').length,
        active,
        listeners: {
          manager: listenerTotal(manager),
          client: listenerTotal(manager.client('main')),
          subscriber: listenerTotal(manager.subscriber('main')),
          process: listenerTotal(process),
        },
      };
    },
  };
}
