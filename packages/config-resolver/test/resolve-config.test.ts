import { inspect } from 'node:util';
import t from 'tap';
import { ConfigError, resolveConfig } from '../src/index.js';
import { ENVIRONMENTS, type EnvironmentCase } from './fixtures/environments.js';
import { PRIVATE_KEY } from './fixtures/pem.js';

const fakeDns = (unresolvable: readonly string[] = []) => {
  const calls: string[] = [];
  const lookup = async (host: string) => {
    calls.push(host);
    if (unresolvable.includes(host)) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    return { address: '10.9.9.9', family: 4 };
  };
  return { calls, lookup };
};

const resolveCase = (c: EnvironmentCase) =>
  resolveConfig({
    env: c.env ?? {},
    options: c.options ?? {},
    lookup: fakeDns(c.unresolvable).lookup,
    exists: (path) => (c.files ?? []).includes(path),
  });

const at = (value: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (object, key) => (object as Record<string, unknown> | undefined)?.[key],
      value,
    );

t.test('the corpus has at least 80 environments with unique names', async (t) => {
  t.ok(ENVIRONMENTS.length >= 80, `${ENVIRONMENTS.length} environments`);
  t.equal(new Set(ENVIRONMENTS.map((c) => c.name)).size, ENVIRONMENTS.length);
});

for (const c of ENVIRONMENTS) {
  t.test(c.name, async (t) => {
    if (c.problems !== undefined) {
      const error = await resolveCase(c).then(
        () => t.fail('expected a ConfigError'),
        (error: unknown) => error,
      );
      t.type(error, ConfigError);
      t.strictSame((error as ConfigError).problems, c.problems);
      return;
    }
    const config = await resolveCase(c);
    t.has(config, c.expect ?? {});
    for (const path of c.absent ?? []) t.equal(at(config, path), undefined, `${path} is absent`);
    for (const note of c.notes ?? [])
      t.ok(config.notes.includes(note), `note: ${note}\n${config.notes.join('\n')}`);
  });
}

t.test('env defaults to process.env, options to {}', async (t) => {
  const saved = process.env;
  t.teardown(() => {
    process.env = saved;
  });
  process.env = { REDIS_URL: 'redis://from-process.example.com', ENVIRONMENT: 'production' };
  const config = await resolveConfig({ exists: () => false });
  t.equal(config.roles.main.redis.host, 'from-process.example.com');
  t.equal(config.environment, 'production');
});

t.test('default DNS lookup and container check are used when not injected', async (t) => {
  const config = await resolveConfig({
    env: { REDIS_HOST: 'localhost-nonexistent-label' },
    lookupTimeoutMs: 2000,
  });
  t.ok(['host', 'docker'].includes(config.platform));
  t.ok(
    ['localhost-nonexistent-label', '127.0.0.1'].includes(config.roles.main.redis.host as string),
  );
});

t.test('each distinct host is looked up once, in parallel', async (t) => {
  const dns = fakeDns(['redis']);
  const config = await resolveConfig({
    env: {
      REDIS_URL: 'redis://redis:6379',
      CACHE_REDIS_URL: 'redis://redis:6380',
      REDIS_SENTINELS: '',
    },
    options: { roles: { jobs: { host: 'jobs' }, again: { host: 'jobs' } } },
    lookup: dns.lookup,
    exists: () => false,
  });
  t.strictSame(dns.calls.sort(), ['jobs', 'redis']);
  t.equal(config.roles.cache.redis.host, '127.0.0.1');
  t.equal(config.roles.cache.redis.port, 6380);
  t.ok(
    config.notes.includes(
      'redis host "redis" does not resolve outside Docker; using 127.0.0.1:6380 (development)',
    ),
  );
});

t.test('a hanging resolver never hangs start-up', async (t) => {
  const config = await resolveConfig({
    env: { REDIS_HOST: 'redis' },
    lookup: () => new Promise(() => {}),
    lookupTimeoutMs: 10,
    exists: () => false,
  });
  t.equal(config.roles.main.redis.host, '127.0.0.1');
});

t.test('no lookups when there are problems', async (t) => {
  const dns = fakeDns();
  await t.rejects(
    resolveConfig({
      env: { REDIS_HOST: 'redis', REDIS_PORT: 'x' },
      lookup: dns.lookup,
      exists: () => false,
    }),
    ConfigError,
  );
  t.strictSame(dns.calls, []);
});

t.test('the result is deep-frozen and redacted() is a non-enumerable method', async (t) => {
  const config = await resolveConfig({
    env: {
      REDIS_URL: 'rediss://u:pw@db.example.com',
      REDIS_SENTINELS: 's1.example.com',
      REDIS_SENTINEL_PASSWORD: 'spw',
    },
    options: { tlsKey: PRIVATE_KEY },
    exists: () => false,
  });
  t.ok(Object.isFrozen(config));
  t.ok(Object.isFrozen(config.roles));
  t.ok(Object.isFrozen(config.roles.main.redis));
  t.ok(Object.isFrozen(config.roles.main.redis.tls));
  t.ok(Object.isFrozen(config.roles.main.redis.sentinels?.[0]));
  t.ok(Object.isFrozen(config.notes));
  t.notOk(Object.keys(config).includes('redacted'));
  t.throws(() => {
    (config as { environment: string }).environment = 'production';
  });
  const redacted = config.redacted();
  t.ok(Object.isFrozen(redacted.roles.main.redis));
  t.equal(redacted.roles.main.redis.password, '[redacted]');
  t.equal(redacted.roles.main.redis.sentinelPassword, '[redacted]');
  t.equal(redacted.roles.main.redis.tls?.key, '[redacted]');
  t.equal(redacted.roles.main.endpoint, config.roles.main.endpoint);
  t.strictSame(JSON.parse(JSON.stringify(redacted)), redacted);
  t.notMatch(JSON.stringify(redacted), /"pw"|"spw"|BEGIN PRIVATE/);
  t.equal(config.roles.main.redis.password, 'pw');
  for (const printed of [
    JSON.stringify(config),
    inspect(config, { depth: 10 }),
    `${inspect(config)}`,
  ])
    t.notMatch(printed, /"pw"|'pw'|spw|BEGIN PRIVATE/, 'printed whole, the config is redacted');
  t.match(JSON.stringify(config), /\[redacted\]/);
});

t.test('shareKey: equal only for the same connection settings', async (t) => {
  const config = await resolveConfig({
    env: { REDIS_URL: 'redis://:one@db.example.com' },
    options: {
      roles: {
        twin: { poolSize: 5, keyPrefix: 'x:' },
        otherPassword: { password: 'two' },
        otherDb: { db: 1 },
      },
    },
    exists: () => false,
  });
  const { main, rateLimit, cache, twin, otherPassword, otherDb } = config.roles;
  t.equal(rateLimit.shareKey, main.shareKey);
  t.equal(cache.shareKey, main.shareKey);
  t.equal(twin?.shareKey, main.shareKey, 'policies do not split connections');
  t.equal(otherPassword?.endpoint, main.endpoint, 'same endpoint');
  t.not(otherPassword?.shareKey, main.shareKey, 'different password, different shareKey');
  t.not(otherDb?.shareKey, main.shareKey);
  t.match(main.shareKey, /^redis:\/\/db\.example\.com:6379\/0#[0-9a-f]{16}$/);
  t.notMatch(main.shareKey, /one/);
});

t.test('ConfigError message lists every problem with the package prefix', async (t) => {
  const error = (await resolveConfig({ env: { REDIS_PORT: 'x', REDIS_DB: 'y' } }).catch(
    (e: unknown) => e,
  )) as ConfigError;
  t.equal(error.code, 'E_INVALID_CONFIG');
  t.match(
    error.message,
    /^@redis-infra\/config-resolver: invalid Redis configuration \(2 problems\):\n {2}- REDIS_PORT: .*\n {2}- REDIS_DB: /,
  );
});
