import t from 'tap';
import { selectMainEndpoint } from '../src/endpoint.js';
import { BUILT_IN_ROLES, draftRoles } from '../src/roles.js';
import { parseEnv, parseOptions } from '../src/schema.js';
import type { ConfigOptions } from '../src/types.js';

const draft = (env: Record<string, string>, options: ConfigOptions = {}) => {
  const e = parseEnv(env).values;
  const o = parseOptions(options).values;
  return draftRoles(e, o, selectMainEndpoint(e, o).draft);
};

t.test('built-in roles come first, then the user roles in order', async (t) => {
  t.strictSame(BUILT_IN_ROLES, ['main', 'rateLimit', 'cache']);
  const { drafts } = draft({}, { roles: { zeta: {}, cache: {}, alpha: {} } });
  t.strictSame(
    drafts.map((role) => role.name),
    ['main', 'rateLimit', 'cache', 'zeta', 'alpha'],
  );
});

t.test('policy precedence: role option > option > variable > default', async (t) => {
  const { drafts } = draft(
    {
      REDIS_CONNECT_TIMEOUT_MS: '300',
      REDIS_TLS_CA: 'env-ca',
      REDIS_TLS_REJECT_UNAUTHORIZED: 'false',
    },
    {
      tlsCa: 'opt-ca',
      roles: { cache: { connectTimeoutMs: 100, tlsCa: 'role-ca', tlsRejectUnauthorized: true } },
    },
  );
  const [main, , cache] = drafts;
  t.equal(main?.connectTimeoutMs, 300);
  t.equal(cache?.connectTimeoutMs, 100);
  t.strictSame(main?.tlsCa, { value: 'opt-ca', source: 'options.tlsCa' });
  t.strictSame(cache?.tlsCa, { value: 'role-ca', source: 'options.roles.cache.tlsCa' });
  t.strictSame(main?.rejectUnauthorized, { value: false, source: 'REDIS_TLS_REJECT_UNAUTHORIZED' });
  t.strictSame(cache?.rejectUnauthorized, {
    value: true,
    source: 'options.roles.cache.tlsRejectUnauthorized',
  });
  t.equal(main?.commandTimeoutMs, 1000);
  t.equal(main?.connectionName, undefined);
});

t.test('a role URL replaces the endpoint; field overrides keep the rest', async (t) => {
  const { drafts, notes } = draft(
    {
      REDIS_URL: 'redis://u:p@main.example.com/1',
      REDIS_SENTINEL_NAME: 'm',
      CACHE_REDIS_URL: 'redis://cache.example.com:7000',
    },
    { roles: { cache: { db: 2 }, jobs: { password: 'j' } } },
  );
  const byName = Object.fromEntries(drafts.map((role) => [role.name, role.endpoint]));
  t.strictSame(byName.cache, {
    host: 'cache.example.com',
    port: 7000,
    path: undefined,
    username: undefined,
    password: undefined,
    db: { value: 2, source: 'options.roles.cache.db' },
    tls: false,
    sentinels: undefined,
    cluster: undefined,
    sentinelName: 'm',
    sentinelPassword: undefined,
  });
  t.equal(byName.jobs?.host, 'main.example.com');
  t.equal(byName.jobs?.username, 'u');
  t.equal(byName.jobs?.password, 'j');
  t.strictSame(notes, ['role "cache" endpoint from CACHE_REDIS_URL']);
});
