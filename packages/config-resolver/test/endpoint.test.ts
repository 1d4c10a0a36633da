import t from 'tap';
import { modeOf, selectMainEndpoint } from '../src/endpoint.js';
import { parseEnv, parseOptions } from '../src/schema.js';

const select = (env: Record<string, string>, options = {}) =>
  selectMainEndpoint(parseEnv(env).values, parseOptions(options).values);

t.test('defaults to localhost:6379 db 0', async (t) => {
  t.strictSame(select({}), {
    draft: {
      host: 'localhost',
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
    },
    note: 'main endpoint from defaults (localhost:6379)',
  });
});

t.test('precedence of the tiers, each over the next', async (t) => {
  const tiers: [string, Record<string, string>, string][] = [
    ['REDIS_URL', { REDIS_URL: 'redis://a.example.com' }, 'a.example.com'],
    ['REDIS_PRIVATE_URL', { REDIS_PRIVATE_URL: 'redis://b.example.com' }, 'b.example.com'],
    ['REDIS_TLS_URL', { REDIS_TLS_URL: 'rediss://c.example.com' }, 'c.example.com'],
    ['REDIS_PUBLIC_URL', { REDIS_PUBLIC_URL: 'redis://d.example.com' }, 'd.example.com'],
    ['REDIS_HOST', { REDIS_HOST: 'e.example.com' }, 'e.example.com'],
    ['REDISHOST', { REDISHOST: 'f.example.com' }, 'f.example.com'],
  ];
  for (let index = 0; index < tiers.length; index++) {
    const env = Object.assign({}, ...tiers.slice(index).map(([, vars]) => vars));
    const [name, , host] = tiers[index] as (typeof tiers)[number];
    t.equal(select(env).draft.host, host, name);
  }
});

t.test('db source follows where the db came from', async (t) => {
  t.strictSame(select({ REDIS_URL: 'redis://h/3' }).draft.db, { value: 3, source: 'REDIS_URL' });
  t.strictSame(select({ REDIS_DB: '4' }).draft.db, { value: 4, source: 'REDIS_DB' });
  t.strictSame(select({ REDIS_DB: '4' }, { db: 5 }).draft.db, { value: 5, source: 'options.db' });
  t.strictSame(select({ REDIS_URL: 'redis://h' }).draft.db, { value: 0, source: 'default' });
});

t.test('options.path and options.host form a tier; path wins in the connection', async (t) => {
  const { draft, note } = select(
    { REDIS_URL: 'redis://h' },
    { path: '/tmp/r.sock', host: 'x.example.com' },
  );
  t.equal(draft.path, '/tmp/r.sock');
  t.equal(draft.host, 'x.example.com');
  t.equal(note, 'main endpoint from options.path, options.host; ignoring REDIS_URL');
});

t.test('topology and sentinel settings', async (t) => {
  const { draft } = select(
    {
      REDIS_SENTINELS: 'a.example.com',
      REDIS_CLUSTER_NODES: 'b.example.com',
      REDIS_SENTINEL_NAME: 'm',
      REDIS_SENTINEL_PASSWORD: 's',
    },
    { sentinelName: 'o' },
  );
  t.strictSame(draft.sentinels, {
    value: [{ host: 'a.example.com', port: 26379 }],
    source: 'REDIS_SENTINELS',
  });
  t.strictSame(draft.cluster, {
    value: [{ host: 'b.example.com', port: 6379 }],
    source: 'REDIS_CLUSTER_NODES',
  });
  t.equal(draft.sentinelName, 'o');
  t.equal(draft.sentinelPassword, 's');
  t.equal(modeOf(draft), 'sentinel');
  t.equal(modeOf({ ...draft, sentinels: undefined }), 'cluster');
  t.equal(modeOf({ ...draft, sentinels: undefined, cluster: undefined }), 'standalone');
});
