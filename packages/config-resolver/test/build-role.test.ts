import t from 'tap';
import { buildRole } from '../src/build-role.js';
import type { EndpointDraft } from '../src/endpoint.js';
import type { RoleDraft } from '../src/roles.js';

const endpoint: EndpointDraft = {
  host: 'redis',
  port: 6379,
  path: undefined,
  username: undefined,
  password: undefined,
  db: { value: 0, source: 'default' },
  tls: false,
  sentinels: undefined,
  cluster: undefined,
  sentinelName: 'mymaster',
  sentinelPassword: undefined,
};
const draft: RoleDraft = {
  name: 'main',
  endpoint,
  tlsCa: undefined,
  tlsCert: undefined,
  tlsKey: undefined,
  rejectUnauthorized: { value: true, source: 'default' },
  poolSize: 1,
  connectTimeoutMs: 5000,
  commandTimeoutMs: 1000,
  retryOnTimeout: false,
  keyPrefix: '',
  connectionName: undefined,
};
const identity = (host: string) => host;

t.test('standalone: mapped host, family, endpoint and policies', async (t) => {
  const role = buildRole(draft, (host) => (host === 'redis' ? '127.0.0.1' : host), new Map());
  t.strictSame(role, {
    name: 'main',
    mode: 'standalone',
    endpoint: 'redis://127.0.0.1:6379/0',
    shareKey: role.shareKey,
    redis: { host: '127.0.0.1', port: 6379, family: 4, db: 0 },
    poolSize: 1,
    connectTimeoutMs: 5000,
    commandTimeoutMs: 1000,
    retryOnTimeout: false,
    keyPrefix: '',
  });
});

t.test('TLS with loaded PEM; servername keeps the configured name', async (t) => {
  const pem = new Map([
    ['ca-path', 'CA'],
    ['key-path', 'KEY'],
  ]);
  const role = buildRole(
    {
      ...draft,
      endpoint: { ...endpoint, tls: true, username: 'a b', password: 'pw' },
      tlsCa: { value: 'ca-path', source: 'REDIS_TLS_CA' },
      tlsKey: { value: 'key-path', source: 'REDIS_TLS_KEY' },
      connectionName: 'api',
    },
    () => '127.0.0.1',
    pem,
  );
  t.equal(role.endpoint, 'rediss://a%20b@127.0.0.1:6379/0');
  t.strictSame(role.redis, {
    host: '127.0.0.1',
    port: 6379,
    family: 4,
    username: 'a b',
    password: 'pw',
    db: 0,
    tls: { ca: 'CA', key: 'KEY', servername: 'redis', rejectUnauthorized: true },
    connectionName: 'api',
  });
});

t.test('sentinel mode', async (t) => {
  const role = buildRole(
    {
      ...draft,
      endpoint: {
        ...endpoint,
        tls: true,
        sentinelName: 'my master',
        sentinelPassword: 's',
        sentinels: {
          value: [
            { host: 'a.railway.internal', port: 1 },
            { host: '::1', port: 2 },
          ],
          source: 'REDIS_SENTINELS',
        },
      },
    },
    identity,
    new Map(),
  );
  t.equal(role.mode, 'sentinel');
  t.equal(role.endpoint, 'sentinels://a.railway.internal:1,[::1]:2/my%20master/0');
  t.strictSame(role.redis, {
    sentinels: [
      { host: 'a.railway.internal', port: 1, family: 0 },
      { host: '::1', port: 2, family: 6 },
    ],
    name: 'my master',
    sentinelPassword: 's',
    family: 0,
    db: 0,
    tls: { rejectUnauthorized: true },
  });
});

t.test('cluster mode and unix sockets', async (t) => {
  const cluster = buildRole(
    {
      ...draft,
      endpoint: {
        ...endpoint,
        username: 'u',
        cluster: { value: [{ host: '::1', port: 7000 }], source: 'x' },
      },
    },
    identity,
    new Map(),
  );
  t.equal(cluster.endpoint, 'cluster://u@[::1]:7000');
  t.strictSame(cluster.nodes, [{ host: '::1', port: 7000 }]);
  t.strictSame(cluster.redis, { family: 6, username: 'u', db: 0 });
  const unix = buildRole(
    { ...draft, endpoint: { ...endpoint, path: '/tmp/r.sock', username: 'u' } },
    identity,
    new Map(),
  );
  t.equal(unix.endpoint, 'unix://u@localhost/tmp/r.sock?db=0');
  t.strictSame(unix.redis, { path: '/tmp/r.sock', username: 'u', db: 0 });
  t.equal(unix.nodes, undefined);
});
