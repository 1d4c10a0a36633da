// Type tests: `pnpm typecheck` compiles this file, so a decorator or route option that loses
// its type fails the build; the runtime half checks the same values exist.
import type { FastifyRedis } from '@fastify/redis';
import type { ManagedClient, RedisManager } from '@redis-infra/redis-manager';
import { startRedis } from '@redis-infra/testing';
import t from 'tap';
import { type Algorithm, redisInfra } from '../src/index.js';
import { appFor } from './helpers.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(value: T) => value;

t.test('decorators and route config are typed', async (t) => {
  const redis = await startRedis(t);
  const { app } = await appFor(t, redis.connection);
  const manager: RedisManager = app.redisManager;
  const client: FastifyRedis = app.redis;
  assertType<Equal<typeof app.redisManager, RedisManager>>(true);
  assertType<Equal<ReturnType<RedisManager['client']>, ManagedClient>>(true);
  const algorithm: Algorithm = 'sliding-window';
  app.get(
    '/typed',
    { config: { rateLimit: { max: 1, timeWindow: 1_000, algorithm } } },
    async () => 'ok',
  );
  // @ts-expect-error: not an algorithm
  app.get('/wrong', { config: { rateLimit: { algorithm: 'token-bucket' } } }, async () => 'no');
  // Never called: only the compiler looks at it.
  const _typeOnly = () =>
    // @ts-expect-error: options are checked
    app.register(redisInfra, { rateLimit: { instances: 'two' } });
  t.equal(manager.state(), 'up');
  t.equal(await client.ping(), 'PONG');
  t.equal((await app.inject('/typed')).statusCode, 200);
});
