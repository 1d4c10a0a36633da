import { startRedis, waitFor } from '@redis-infra/testing';
import type { onRequestHookHandler } from 'fastify';
import t from 'tap';
import { startApp } from './harness/app.js';
import { escaped } from './harness/guards.js';
import { type Answer, get } from './harness/http.js';
import { leakedSecrets, scan, secret } from './harness/secrets.js';

const TOKEN = secret('health-guard-token-7Hq2');
const redis = await startRedis(t, { password: secret('health-guard-secret-Pz4') });

/** The user's guard: a bearer token, else 401. */
const guard: onRequestHookHandler = async (request, reply) => {
  if (request.headers.authorization !== `Bearer ${TOKEN}`)
    return reply.code(401).send({ error: 'unauthorized' });
};
const AUTH = { authorization: `Bearer ${TOKEN}` };

/** What a full health body shows and an unauthenticated answer must not. */
const DETAILS = [
  'checks',
  'redis:',
  'endpoint',
  '127.0.0.1',
  String(redis.port),
  'pool',
  'breaker',
  'lastError',
  'version',
  'pass',
  'fail',
];

/** Unauthenticated attempts: every health route, spellings of their paths, HEAD, forged headers. */
const ATTEMPTS: ReadonlyArray<readonly [string, string, Record<string, string>]> = [
  ['GET', '/health', {}],
  ['GET', '/health/live', {}],
  ['GET', '/health/ready', {}],
  ['HEAD', '/health', {}],
  ['GET', '/health?expose=full', {}],
  ['GET', '/health/', {}],
  ['GET', '//health', {}],
  ['GET', '/%68ealth', {}],
  ['GET', '/health%2F', {}],
  ['GET', '/health;token=1', {}],
  ['GET', '/./health', {}],
  ['GET', '/x/../health', {}],
  ['GET', '/HEALTH', {}],
  ['POST', '/health', {}],
  ['OPTIONS', '/health', {}],
  ['GET', '/health', { authorization: 'Bearer wrong' }],
  ['GET', '/health', { authorization: `bearer ${TOKEN.toUpperCase()}` }],
  ['GET', '/health', { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
  ['GET', '/health', { authorization: `Bearer ${TOKEN}x` }],
  ['GET', '/health', { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' }],
  ['GET', '/', { 'x-original-url': '/health', 'x-rewrite-url': '/health' }],
];

/** The answers that gave anything away: a 2xx, or a body with health details. */
function revealing(answers: ReadonlyArray<readonly [string, Answer]>): string[] {
  return answers
    .filter(
      ([, a]) => (a.status >= 200 && a.status < 300) || DETAILS.some((d) => a.body.includes(d)),
    )
    .map(([what, a]) => `${what} -> ${a.status} ${a.body.slice(0, 80)}`);
}

async function attempt(url: string): Promise<Array<readonly [string, Answer]>> {
  const answers: Array<readonly [string, Answer]> = [];
  for (const [method, path, headers] of ATTEMPTS) {
    const answer = await get(url, path, headers, method);
    answers.push([`${method} ${path} ${JSON.stringify(headers)}`, answer]);
  }
  scan(() => answers.map(([, a]) => a.body).join('\n'));
  return answers;
}

t.test('expose: full behind an onRequest guard: no details without the token', async (t) => {
  const { app, url } = await startApp(t, redis.connection, {
    plugin: { health: { expose: 'full', onRequest: guard }, rateLimit: { max: 5 } },
  });

  const answers = await attempt(url);
  const statuses = answers.map(([, a]) => a.status);
  t.comment(`${answers.length} unauthenticated attempts: ${JSON.stringify(statuses)}`);
  t.strictSame(revealing(answers), [], 'no attempt got a 2xx or any health detail');
  t.ok(
    statuses.every((s) => s === 401 || s === 404),
    'each is a 401 (the guard ran) or a 404 (no such route)',
  );
  t.strictSame(
    answers
      .filter(([what]) => /^(GET|HEAD) \/health(\/live|\/ready)?(\?\S*)? /.test(what))
      .map(([, a]) => a.status),
    Array(10).fill(401),
    'every request that reaches a health route meets the guard',
  );
  t.strictSame(
    answers.filter(([what]) => what.startsWith('GET /health {}')).map(([, a]) => a.body),
    [JSON.stringify({ error: 'unauthorized' })],
    "the 401 body is the guard's own",
  );

  // Hammering the guarded routes is neither rate limited nor costly: still 401, then 200.
  const flood: number[] = [];
  for (let i = 0; i < 30; i++) flood.push((await get(url, '/health')).status);
  t.strictSame([...new Set(flood)], [401], '30 more unauthenticated requests: all 401');

  const full = await get(url, '/health', AUTH);
  t.equal(full.status, 200, 'with the token: 200');
  const body = JSON.parse(full.body) as { checks: Record<string, [Record<string, unknown>]> };
  t.match(body.checks['redis:main']?.[0], { state: 'up', endpoint: String, pool: Object });
  for (const path of ['/health/live', '/health/ready'])
    t.equal((await get(url, path, AUTH)).status, 200, `${path} with the token: 200`);
  t.equal((await get(url, '/health', AUTH, 'HEAD')).status, 200, 'HEAD with the token: 200');

  // Redis down: the details (and the last error) are still for the token holder only.
  await redis.kill();
  await waitFor(
    'health to fail',
    async () => (await app.inject({ url: '/health', headers: AUTH })).statusCode === 503,
  );
  const down = await get(url, '/health', AUTH);
  t.equal(down.status, 503, 'with the token: 503 and the details');
  t.match(down.body, '"state":"down"');
  const whileDown = await attempt(url);
  t.strictSame(revealing(whileDown), [], 'while Redis is down: still nothing without the token');
  t.ok(
    whileDown.every(([, a]) => a.status < 500),
    'no unauthenticated attempt sees the 503 either',
  );
  await redis.restart();
});

t.test('a list of onRequest hooks, and a guard that throws', async (t) => {
  let audited = 0;
  const audit: onRequestHookHandler = async () => {
    audited++;
  };
  const throwing: onRequestHookHandler = async (request) => {
    if (request.headers.authorization !== `Bearer ${TOKEN}`)
      throw Object.assign(new Error('token required'), { statusCode: 401 });
  };
  const listed = await startApp(t, redis.connection, {
    plugin: { health: { expose: 'full', onRequest: [audit, guard] } },
  });
  const thrown = await startApp(t, redis.connection, {
    plugin: { health: { expose: 'full', onRequest: throwing } },
  });

  const routes = ['/health', '/health/live', '/health/ready'];
  for (const { url } of [listed, thrown]) {
    const answers: Array<readonly [string, Answer]> = [];
    for (const path of routes) answers.push([path, await get(url, path)] as const);
    scan(() => answers.map(([, a]) => a.body).join('\n'));
    t.strictSame(
      answers.map(([, a]) => a.status),
      [401, 401, 401],
      'every health route answers 401',
    );
    t.strictSame(revealing(answers), [], 'and shows nothing');
    t.equal((await get(url, '/health', AUTH)).status, 200, 'the token opens it');
  }
  t.equal(audited, routes.length + 1, 'every hook of the list ran on every request');
});

t.test('nothing escaped and no secret in any captured output', async (t) => {
  t.same(escaped(), [], 'no unhandled rejection or uncaught exception');
  t.same(leakedSecrets(), [], 'no secret (password, token) in any captured output');
});
