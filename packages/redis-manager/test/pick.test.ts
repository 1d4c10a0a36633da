import { startRedis, waitFor } from '@redis-infra/testing';
import t from 'tap';
import { configFor, connectedManager } from './helpers.js';

for (const poolStrategy of ['round-robin', 'least-pending'] as const) {
  t.test(
    `${poolStrategy}: with no connection ready, client() still answers and its commands fail fast`,
    async (t) => {
      const redis = await startRedis(t);
      const manager = await connectedManager(
        t,
        await configFor(redis.connection, { poolSize: 2 }),
        {
          poolStrategy,
        },
      );
      await redis.kill();
      await waitFor('every connection to drop', () => manager.health().main?.pool.ready === 0);
      const client = manager.client();
      t.not(client.status, 'ready');
      await t.rejects(client.get('k'), { code: 'E_REDIS_UNAVAILABLE' });
    },
  );
}
