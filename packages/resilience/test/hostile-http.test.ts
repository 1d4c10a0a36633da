import { type Owner, type RedisServer, startRedis } from '@redis-infra/testing';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import t from 'tap';
import { type RunningApp, startApp } from './harness/app.js';
import { escaped } from './harness/guards.js';
import { get, rawStatus } from './harness/http.js';
import { leakedSecrets, scan, secret } from './harness/secrets.js';

const LIMIT = 5;
const redis = await startRedis(t, { password: secret('hostile-http-secret') });

/** An app limiting `/limited` to `LIMIT` requests a minute, its counters under `prefix`. */
function limitedApp(owner: Owner, prefix: string, fastify: FastifyServerOptions = {}) {
  return startApp(owner, redis.connection, {
    fastify,
    plugin: { rateLimit: { max: LIMIT, timeWindow: 60_000 }, config: { keyPrefix: prefix } },
    routes: (app) => app.get('/limited', async (request) => ({ ip: request.ip })),
  });
}

/** The rate-limit keys Redis holds under `prefix` (the client part is what is inside `{}`). */
async function limiterKeys(server: RedisServer, prefix: string): Promise<string[]> {
  const keys = (await server.call('KEYS', `${prefix}rl:*`)) as string[];
  return keys.map((key) => key.slice(key.indexOf('{') + 1, key.lastIndexOf('}'))).sort();
}

const count = (statuses: readonly number[], status: number) =>
  statuses.filter((s) => s === status).length;

t.test('spoofed client-address headers cannot bypass the limit when trust is off', async (t) => {
  const { url } = await limitedApp(t, 'trust-off:');
  const statuses: number[] = [];
  for (let i = 1; i <= 20; i++) {
    const spoof = {
      'x-forwarded-for': `203.0.113.${i}, 198.51.100.${i}`,
      'x-real-ip': `198.51.100.${i}`,
      forwarded: `for=192.0.2.${i};proto=https`,
      'true-client-ip': `192.0.2.${100 + i}`,
      'cf-connecting-ip': `2001:db8::${i}`,
      'x-client-ip': `10.0.0.${i}`,
    };
    statuses.push((await get(url, '/limited', spoof)).status);
  }
  t.comment(`20 requests, each with new spoofed headers: ${JSON.stringify(statuses)}`);
  t.equal(count(statuses, 200), LIMIT, `exactly ${LIMIT} allowed`);
  t.equal(count(statuses, 429), 20 - LIMIT, 'the rest rejected with 429');
  t.strictSame(await limiterKeys(redis, 'trust-off:'), ['127.0.0.1'], 'one counter, in Redis');
});

t.test('behind a trusted proxy, spoofed entries before the real client do not help', async (t) => {
  // The proxy (127.0.0.1) appends the address it saw; the client controls everything left of it.
  const { url } = await limitedApp(t, 'trust-proxy:', { trustProxy: '127.0.0.1' });
  const statuses: number[] = [];
  for (let i = 1; i <= 12; i++) {
    const forged = `203.0.113.${i}, 2001:db8::${i}`;
    statuses.push(
      (await get(url, '/limited', { 'x-forwarded-for': `${forged}, 198.51.100.7` })).status,
    );
  }
  const other = await get(url, '/limited', { 'x-forwarded-for': '203.0.113.1, 198.51.100.8' });
  t.comment(`12 requests of 198.51.100.7 with forged entries: ${JSON.stringify(statuses)}`);
  t.equal(count(statuses, 200), LIMIT, `exactly ${LIMIT} allowed`);
  t.equal(other.status, 200, 'another real client keeps its own limit');
  t.strictSame(await limiterKeys(redis, 'trust-proxy:'), ['198.51.100.7', '198.51.100.8']);
});

t.test('with trustProxy: true the header names the client (documented trust)', async (t) => {
  const { url } = await limitedApp(t, 'trust-all:', { trustProxy: true });
  const allowed: number[] = [];
  for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++)
      statuses.push((await get(url, '/limited', { 'x-forwarded-for': client })).status);
    allowed.push(count(statuses, 200));
  }
  t.strictSame(allowed, [LIMIT, LIMIT, LIMIT], 'each address gets its own limit, and no more');
});

/** Random 16-bit groups, in the letter case and padding given. */
const group = (pad: boolean, upper: boolean) => {
  const hex = Math.floor(Math.random() * 0x10000).toString(16);
  const text = pad ? hex.padStart(4, '0') : hex;
  return upper ? text.toUpperCase() : text;
};

t.test('IPv6 addresses rotating inside one /64 share one limit', async (t) => {
  const { app, url } = await limitedApp(t, 'ipv6:', { trustProxy: true });
  // Twenty addresses of 2001:db8:85a3:42::/64, spelled every way a client can.
  const spellings = [
    () => `2001:db8:85a3:42::${group(false, false)}`,
    () => `2001:0DB8:85A3:0042:${group(true, true)}:${group(true, true)}:${group(true, true)}:1`,
    () => `2001:db8:85a3:42:${group(false, false)}::${group(false, false)}`,
    () => `2001:db8:85a3:42:ffff:ffff:ffff:${group(false, true)}`,
  ];
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) {
    const address = (spellings[i % spellings.length] as () => string)();
    statuses.push((await get(url, '/limited', { 'x-forwarded-for': address })).status);
  }
  t.comment(`20 rotating addresses of one /64 over HTTP: ${JSON.stringify(statuses)}`);
  t.equal(count(statuses, 200), LIMIT, `exactly ${LIMIT} allowed across the /64`);
  const neighbour = await get(url, '/limited', { 'x-forwarded-for': '2001:db8:85a3:43::1' });
  t.equal(neighbour.status, 200, 'the next /64 has its own limit');

  // The same through the socket address (no header): inject's remoteAddress.
  const injected: number[] = [];
  for (let i = 0; i < 10; i++) {
    const remoteAddress = `2001:db8:85a3:44:${group(false, false)}:${group(false, false)}::${i + 1}`;
    injected.push((await app.inject({ url: '/limited', remoteAddress })).statusCode);
  }
  t.equal(count(injected, 200), LIMIT, `remote addresses of one /64: ${LIMIT} allowed of 10`);

  // An IPv4-mapped IPv6 address is the IPv4 client.
  const mapped: number[] = [];
  for (let i = 0; i < 3; i++) {
    for (const remoteAddress of ['::ffff:198.51.100.20', '198.51.100.20'])
      mapped.push((await app.inject({ url: '/limited', remoteAddress })).statusCode);
  }
  t.equal(count(mapped, 200), LIMIT, `::ffff:198.51.100.20 and 198.51.100.20: ${LIMIT} of 6`);

  t.strictSame(
    await limiterKeys(redis, 'ipv6:'),
    ['198.51.100.20', '2001:db8:85a3:42::', '2001:db8:85a3:43::', '2001:db8:85a3:44::'],
    'one counter per /64 (and per IPv4 client), in Redis',
  );
});

/** What the cached routes answer: the request as the handler saw it. */
interface Echo {
  n: number;
  url: string;
  query: Record<string, unknown>;
}

function cachedRoutes(app: FastifyInstance, loads: { n: number }): void {
  app.get('/echo/*', { config: { cache: {} } }, async (request) => ({
    n: ++loads.n,
    url: request.url,
    query: request.query,
  }));
  app.get('/proto', { config: { cache: {} } }, async () => ({
    n: ++loads.n,
    ...(JSON.parse(
      '{"__proto__":{"polluted":"payload"},"constructor":{"prototype":{"polluted":"payload"}},"ok":true}',
    ) as object),
  }));
  app.get(
    '/keyed',
    { config: { cache: { key: (request) => String((request.query as { k?: string }).k) } } },
    async (request) => ({ n: ++loads.n, k: (request.query as { k?: string }).k }),
  );
}

t.test('hostile URLs, keys and payloads on cached routes', async (t) => {
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  const loads = { n: 0 };
  const options = {
    plugin: { config: { keyPrefix: 'hostile-cache:' }, cache: { ttl: 60_000 } },
    routes: (app: FastifyInstance) => cachedRoutes(app, loads),
  };
  const a: RunningApp = await startApp(t, redis.connection, options);
  const b: RunningApp = await startApp(t, redis.connection, options); // empty L1: hits come from Redis

  const e = encodeURIComponent;
  const paths = [
    `/echo/long?q=${'a'.repeat(8_300)}`,
    `/echo/${'b'.repeat(12_000)}`,
    `/echo/${e('ünïcødé/日本語')}?q=${e('🔑 ключ')}`,
    '/echo/caf%C3%A9', // NFC é
    '/echo/cafe%CC%81', // NFD e + combining accent: another resource
    '/echo/q?__proto__[polluted]=1',
    '/echo/q?__proto__.polluted=1',
    '/echo/q?constructor[prototype][polluted]=1',
    '/echo/q?__proto__=polluted&constructor=1&prototype=2',
    '/echo/q?toString=1&hasOwnProperty=2&valueOf=3',
    '/proto',
    ...[
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      '#h:forged-hash-key',
      '{slot}',
      '*',
      '🔑',
      'k'.repeat(10_000),
    ].map((k) => `/keyed?k=${e(k)}`),
  ];

  const statuses: number[] = [];
  const bodies = new Map<string, string>();
  for (const path of paths) {
    const miss = await get(a.url, path);
    const hit = await get(a.url, path);
    const remote = await get(b.url, path);
    statuses.push(miss.status, hit.status, remote.status);
    const label = path.length > 60 ? `${path.slice(0, 40)}... (${path.length} chars)` : path;
    t.strictSame(
      [miss.status, hit.status, remote.status],
      [200, 200, 200],
      `${label}: 200 on MISS, L1 HIT and L2 HIT`,
    );
    t.strictSame(
      [miss.headers['x-cache'], hit.headers['x-cache'], remote.headers['x-cache']],
      ['MISS', 'HIT', 'HIT'],
      `${label}: MISS, then HIT on both instances`,
    );
    t.ok(miss.body === hit.body && hit.body === remote.body, `${label}: the same body each time`);
    bodies.set(path, miss.body);
  }

  t.equal(loads.n, paths.length, 'each handler ran once: hits on both instances never ran it');

  // Each answer is the one of its own URL or key.
  const echo = (path: string) => JSON.parse(bodies.get(path) as string) as Echo;
  t.equal(echo(paths[0] as string).query.q, 'a'.repeat(8_300), '8 KB query string intact');
  t.equal(echo(paths[1] as string).url.length, 12_006, '12 KB path intact');
  t.strictSame(echo(paths[2] as string).query, { q: '🔑 ключ' }, 'unicode query decoded');
  t.not(echo('/echo/caf%C3%A9').n, echo('/echo/cafe%CC%81').n, 'NFC and NFD are two entries');
  t.strictSame(echo('/echo/q?__proto__[polluted]=1').query, { '__proto__[polluted]': '1' });
  t.strictSame(echo('/echo/q?constructor[prototype][polluted]=1').query, {
    'constructor[prototype][polluted]': '1',
  });
  const proto = JSON.parse(bodies.get('/proto') as string) as Record<string, unknown>;
  t.ok(Object.hasOwn(proto, '__proto__'), 'the handler payload with a __proto__ key is served');
  const keyed = paths.filter((path) => path.startsWith('/keyed'));
  const ks = keyed.map((path) => (JSON.parse(bodies.get(path) as string) as { k: string }).k);
  t.strictSame(
    ks,
    keyed.map((path) => new URLSearchParams(path.slice('/keyed?'.length)).get('k')),
    'each key answered with its own value',
  );
  t.equal(new Set(keyed.map((path) => bodies.get(path))).size, keyed.length, 'no two keys share');

  // What cannot be served is a 4xx, never a 5xx.
  const tooLong = await get(a.url, `/echo/${'c'.repeat(70_000)}`);
  const badEscape = await get(a.url, '/echo/%E0%A4%A');
  const rawUtf8 = await rawStatus(
    a.url,
    Buffer.concat([
      Buffer.from('GET /echo/'),
      Buffer.from('ünï日本', 'utf8'),
      Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    ]),
  );
  t.comment(`70 KB URL: ${tooLong.status}, bad escape: ${badEscape.status}, raw UTF-8: ${rawUtf8}`);
  t.equal(tooLong.status, 431, 'a 70 KB URL is refused with 431');
  t.equal(badEscape.status, 400, 'a broken percent-escape is a 400');
  t.equal(rawUtf8, 400, 'raw UTF-8 bytes in the path are a 400 (the HTTP parser refuses them)');
  statuses.push(tooLong.status, badEscape.status, rawUtf8);

  // Values with __proto__ keys through fastify.cache itself, read back from Redis on B.
  await a.app.cache.set(
    'direct',
    JSON.parse('{"__proto__":{"polluted":"cache"},"constructor":{"prototype":{"polluted":"c"}}}'),
  );
  const readBack = await b.app.cache.get<Record<string, unknown>>('direct');
  t.notOk(readBack && Object.hasOwn(readBack, '__proto__'), 'Redis copy comes back without it');

  const keys = (await redis.call('KEYS', 'hostile-cache:*')) as string[];
  const longest = Math.max(...keys.map((key) => Buffer.byteLength(key)));
  t.comment(`${paths.length} hostile paths x 3, ${keys.length} Redis keys, longest ${longest} B`);
  t.ok(longest < 300, 'oversized URLs and keys are hashed: no Redis key reaches 300 bytes');
  t.equal(statuses.filter((s) => s >= 500).length, 0, `no 5xx in ${statuses.length} responses`);
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype not polluted');
  t.strictSame(
    Object.getOwnPropertyNames(Object.prototype).sort(),
    prototypeBefore,
    'Object.prototype has no new property',
  );
  scan(() => [...bodies.values()].join('\n'));
});

t.test('nothing escaped and no secret in any captured output', async (t) => {
  t.same(escaped(), [], 'no unhandled rejection or uncaught exception');
  t.same(leakedSecrets(), [], 'no secret in any captured output');
});
