import t from 'tap';
import {
  defaultLookup,
  familyOf,
  isServiceName,
  LOOPBACK,
  resolveHosts,
  resolves,
} from '../src/hostname.js';

t.test('isServiceName', async (t) => {
  for (const yes of ['redis', 'cache', 'redis-master', 'my_redis']) t.ok(isServiceName(yes), yes);
  for (const no of ['localhost', 'db.example.com', '10.0.0.1', '::1', 'redis.'])
    t.notOk(isServiceName(no), no);
});

t.test('resolves: success, rejection, synchronous throw, deadline', async (t) => {
  t.equal(await resolves(async () => ({}), 'a', 50), true);
  t.equal(await resolves(async () => Promise.reject(new Error('x')), 'a', 50), false);
  t.equal(
    await resolves(
      () => {
        throw new Error('sync');
      },
      'a',
      50,
    ),
    false,
  );
  const started = Date.now();
  t.equal(await resolves(() => new Promise(() => {}), 'a', 20), false);
  t.ok(Date.now() - started < 1000);
});

t.test('defaultLookup uses dns.promises.lookup', async (t) => {
  t.match(await defaultLookup('localhost'), { address: String, family: Number });
  t.equal(await resolves(defaultLookup, 'localhost', 2000), true);
});

t.test('familyOf', async (t) => {
  t.equal(familyOf(['redis.railway.internal']), 0);
  t.equal(familyOf(['a.example.com', 'b.railway.internal']), 0);
  t.equal(familyOf(['::1', 'fe80::1']), 6);
  t.equal(familyOf(['::1', '10.0.0.1']), 4);
  t.equal(familyOf(['redis']), 4);
});

const context = {
  environment: 'development' as const,
  platform: 'host' as const,
  aliases: new Map(),
  lookup: async (host: string) => {
    if (host === 'redis') throw new Error('ENOTFOUND');
  },
  timeoutMs: 50,
};

t.test('resolveHosts rewrites unresolvable service names in development on a host', async (t) => {
  const decision = await resolveHosts(
    [
      { host: 'redis', port: 6379, kind: 'redis' },
      { host: 'redis', port: 6379, kind: 'redis' },
      { host: 'cache', port: 6380, kind: 'redis' },
    ],
    context,
  );
  t.equal(decision.map('redis'), LOOPBACK);
  t.equal(decision.map('cache'), 'cache');
  t.equal(decision.map('unknown'), 'unknown');
  t.strictSame(decision.notes, [
    'redis host "redis" does not resolve outside Docker; using 127.0.0.1:6379 (development)',
  ]);
});

t.test('resolveHosts never rewrites elsewhere, but always applies aliases', async (t) => {
  const aliases = new Map([['redis', { to: 'localhost', source: 'REDIS_HOST_ALIASES' }]]);
  for (const change of [
    { environment: 'production' as const },
    { environment: 'staging' as const },
    { platform: 'docker' as const },
  ]) {
    const decision = await resolveHosts(
      [
        { host: 'redis', port: 1, kind: 'sentinel' },
        { host: 'cache', port: 1, kind: 'redis' },
      ],
      {
        ...context,
        ...change,
        lookup: async () => t.fail('no lookup expected'),
        aliases,
      },
    );
    t.equal(decision.map('redis'), 'localhost');
    t.strictSame(decision.notes, [
      'sentinel host "redis" rewritten to "localhost" by REDIS_HOST_ALIASES',
    ]);
  }
});
