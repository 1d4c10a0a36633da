import { resolveConfig } from '@redis-infra/config-resolver';
import t from 'tap';
import {
  clusterOptions,
  compact,
  reconnectOnError,
  redisOptions,
  retryStrategy,
} from '../src/client-options.js';

const never = () => false;

t.test('retry strategy: jittered backoff, slow after an authentication failure', async (t) => {
  let auth = false;
  const strategy = retryStrategy({ maxMs: 100 }, () => auth);
  t.ok(strategy(10) <= 100);
  auth = true;
  t.equal(strategy(1), 10_000, 'the default pause after an auth failure');
  t.equal(retryStrategy({ authRetryMs: 5 }, () => true)(1), 5);
});

t.test('READONLY (a former master after a failover) reconnects and resends', async (t) => {
  t.equal(reconnectOnError(new Error("READONLY You can't write against a read only replica.")), 1);
  t.equal(reconnectOnError(new Error('ERR something')), false);
});

t.test('compact drops undefined entries only', async (t) => {
  t.same(compact({ a: 1, b: undefined, c: '', d: null }), { a: 1, c: '', d: null });
});

t.test(
  'sentinel options: copies of the sentinels, TLS towards sentinels and data nodes',
  async (t) => {
    const config = await resolveConfig({
      env: { ENVIRONMENT: 'production' },
      options: {
        sentinels: [{ host: '10.0.0.1', port: 26379 }],
        sentinelName: 'cache',
        sentinelPassword: 's',
        password: 'p',
        tls: true,
        connectionName: 'app',
      },
    });
    const role = config.roles.main;
    const options = redisOptions(role, 'pool', {}, never) as Record<string, unknown>;
    t.match(options, {
      name: 'cache',
      role: 'master',
      sentinelPassword: 's',
      password: 'p',
      enableTLSForSentinelMode: true,
      sentinelTLS: { rejectUnauthorized: true },
      tls: { rejectUnauthorized: true },
      connectionName: 'app:pool',
      enableAutoPipelining: false, // the manager batches writes itself (WriteBatch)
    });
    t.notOk('commandTimeout' in options, "pooled deadlines come from the manager's sweep");
    t.not(options.sentinels, role.redis.sentinels, 'ioredis may add to its list: it gets a copy');
    t.same(options.sentinels, role.redis.sentinels);
    t.equal(Object.isFrozen(options.sentinels), false);
  },
);

t.test('leases wait on blocking commands; subscribers wait for their connection', async (t) => {
  const config = await resolveConfig({
    env: { ENVIRONMENT: 'production' },
    options: { path: '/tmp/redis.sock' },
  });
  const role = config.roles.main;
  t.match(redisOptions(role, 'lease', {}, never), {
    path: '/tmp/redis.sock',
    blockingTimeout: role.commandTimeoutMs,
    commandTimeout: undefined,
    enableAutoPipelining: false,
  });
  t.match(redisOptions(role, 'subscriber', {}, never), {
    maxRetriesPerRequest: null,
    commandTimeout: role.commandTimeoutMs,
  });
});

t.test('cluster options: no auto-pipelining, hostnames kept for TLS', async (t) => {
  const plain = await resolveConfig({
    env: { ENVIRONMENT: 'production' },
    options: { clusterNodes: [{ host: 'node-1.example.com', port: 7000 }] },
  });
  t.match(clusterOptions(plain.roles.main, 'pool', {}, never), {
    enableAutoPipelining: false,
    dnsLookup: undefined,
  });
  const tls = await resolveConfig({
    env: { ENVIRONMENT: 'production' },
    options: { clusterNodes: [{ host: 'node-1.example.com', port: 7000 }], tls: true },
  });
  const options = clusterOptions(tls.roles.main, 'pool', {}, never);
  t.match(options.redisOptions, { tls: { rejectUnauthorized: true } });
  const looked = await new Promise((resolve) =>
    options.dnsLookup?.('node-1.example.com', (_e, address) => resolve(address)),
  );
  t.equal(looked, 'node-1.example.com');
});
