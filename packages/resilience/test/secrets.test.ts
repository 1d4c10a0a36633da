import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  foreignCa,
  freePort,
  startProxy,
  startRedis,
  tlsFiles,
  waitFor,
} from '@redis-infra/testing';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { startApp } from './harness/app.js';
import { errorViews } from './harness/error-views.js';
import { escaped } from './harness/guards.js';
import { leaked, leakedSecrets, scan, scanned, secret } from './harness/secrets.js';

/** Registers a password in every form it may take in output: raw and percent-encoded. */
function password(value: string): string {
  secret(value);
  secret(encodeURIComponent(value));
  return value;
}

/** Registers PEM key material: as is, `\n`-escaped (as in an env var or a JSON log) and line by line. */
function pemSecret(pem: string): string {
  secret(pem);
  secret(escapePem(pem));
  for (const line of pem.split('\n'))
    if (line.length >= 16 && !line.startsWith('-----')) secret(line);
  return pem;
}

const escapePem = (pem: string) => pem.trim().replace(/\n/g, '\\n');
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error & { code?: string; reason?: string },
  );

const DEFAULT_PASSWORD = password('default-s3cr3t-Vb2q');
const APP_PASSWORD = password('app:s3cr3t/@?-Lk9w');
const tls = await tlsFiles();
pemSecret(tls.clientKey);
const serverKey = pemSecret(await readFile(tls.serverKeyFile, 'utf8'));
const server = await startRedis(t, {
  password: DEFAULT_PASSWORD,
  users: [{ name: 'app', password: APP_PASSWORD }],
  tls: { clientAuth: true },
});

/** Response bodies and thrown errors of the file, scanned with the logs at the end. */
const captured: string[] = [];
scan(() => captured.join('\n'));

/** A production environment for the TLS server: ACL user in the URL, CA, client cert and key as PEM text. */
function tlsEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ENVIRONMENT: 'production',
    REDIS_URL: `rediss://app:${encodeURIComponent(APP_PASSWORD)}@127.0.0.1:${server.port}/0`,
    REDIS_TLS_CA: escapePem(tls.ca),
    REDIS_TLS_CERT: escapePem(tls.clientCert),
    REDIS_TLS_KEY: escapePem(tls.clientKey),
    ...overrides,
  };
}

const FULL = { health: { expose: 'full' as const } };

/** The part of a full health check this file reads. */
interface Check {
  reconnects: number;
}

/** GETs `path` through `app` and keeps the body for the scan. */
async function fetchBody(app: FastifyInstance, path: string) {
  const response = await app.inject(path);
  captured.push(response.body);
  return response;
}

/** What the app's main client (`fastify.redis`) throws now (kept for the scan), or undefined when it answers. */
async function clientError(app: FastifyInstance): Promise<string | undefined> {
  const error = await failure(app.redisManager.client('main').get('secrets:probe'));
  if (error === undefined) return undefined;
  const views = errorViews(error);
  captured.push(views);
  return views;
}

t.test(
  'TLS app with an ACL user: healthy, Redis killed, restarted, password rotated',
  async (t) => {
    const { app } = await startApp(t, undefined, { env: tlsEnv(), plugin: FULL });
    const healthy = await fetchBody(app, '/health');
    t.equal(healthy.statusCode, 200, 'healthy over TLS with a client certificate');
    t.match(healthy.body, `"endpoint":"rediss://app@127.0.0.1:${server.port}/0"`, 'full details');
    for (const path of ['/health/live', '/health/ready', '/limited', '/cached', '/cached'])
      t.equal((await fetchBody(app, path)).statusCode, 200, `${path} answers`);
    // What an app may log of its own accord: the redacted config and the manager's health.
    const redacted = JSON.stringify(app.redisManager.config.redacted());
    captured.push(redacted, JSON.stringify(app.redisManager.health()));
    t.match(redacted, '"key":"[redacted]"', 'the redacted config hides the TLS key');
    await app.cache.set('secrets:value', { ok: true });
    t.equal(await app.redisManager.client('main').set('secrets:plain', 'x'), 'OK', 'main client');

    await server.kill();
    await waitFor('health to fail and say why', async () => {
      const response = await fetchBody(app, '/health');
      return response.statusCode === 503 && response.body.includes('"lastError":{"message"');
    });
    for (const path of ['/limited', '/cached'])
      t.equal((await fetchBody(app, path)).statusCode, 200, `${path} still answers while down`);
    t.ok(await clientError(app), 'the main client throws while Redis is down');

    await server.restart();
    await waitFor(
      'health to pass',
      async () => (await fetchBody(app, '/health')).statusCode === 200,
      {
        timeoutMs: 5_000,
      },
    );

    // The operator rotates the password; the app's connections are dropped and cannot log in.
    const rotated = password('rotated:n3w-p4ss/@-Zt8');
    await server.call('ACL', 'SETUSER', 'app', 'resetpass', `>${rotated}`);
    await server.call('CLIENT', 'KILL', 'USER', 'app');
    await waitFor('health to fail after the rotation', async () => {
      const response = await fetchBody(app, '/health');
      return response.statusCode === 503 && response.body.includes('WRONGPASS');
    });
    t.ok(await clientError(app), 'the main client throws after the rotation');
    captured.push(JSON.stringify(app.redisManager.health()));
    await server.call('ACL', 'SETUSER', 'app', 'resetpass', `>${APP_PASSWORD}`);
  },
);

t.test('secrets given as plugin options instead of variables', async (t) => {
  const { app } = await startApp(
    t,
    { host: server.host, port: server.port, password: DEFAULT_PASSWORD },
    {
      plugin: {
        ...FULL,
        config: { tls: true, tlsCa: tls.ca, tlsCert: tls.clientCert, tlsKey: tls.clientKey },
      },
    },
  );
  t.equal((await fetchBody(app, '/health')).statusCode, 200, 'healthy, default user');
  t.equal((await fetchBody(app, '/cached')).statusCode, 200, '/cached answers');
});

t.test('failed boots in production: every error is redacted', async (t) => {
  const wrong = password('wrong:p4ss/@-Qe1');
  const blackhole = await startProxy(t, server);
  blackhole.blackhole();
  const url = (host: string, port: number, pw: string) =>
    `rediss://app:${encodeURIComponent(pw)}@${host}:${port}/0`;
  const cases: ReadonlyArray<readonly [string, Record<string, string>, string]> = [
    ['wrong ACL password', { REDIS_URL: url('127.0.0.1', server.port, wrong) }, 'auth'],
    [
      'wrong default password in REDIS_PASSWORD',
      { REDIS_URL: `rediss://127.0.0.1:${server.port}`, REDIS_PASSWORD: wrong },
      'auth',
    ],
    [
      'a CA that signed nothing of the server',
      { REDIS_TLS_CA: escapePem(await foreignCa()) },
      'tls',
    ],
    [
      'unreachable: connection refused',
      { REDIS_URL: url('127.0.0.1', await freePort(), APP_PASSWORD) },
      'refused',
    ],
    [
      'unreachable: accepted, never answered',
      { REDIS_URL: url('127.0.0.1', blackhole.port, APP_PASSWORD) },
      'timeout',
    ],
    ['the key of another certificate', { REDIS_TLS_KEY: escapePem(serverKey) }, 'tls'],
  ];
  // Each waits for its connect timeout: started together.
  const errors = await Promise.all(
    cases.map(([, env]) =>
      failure(
        startApp(t, undefined, {
          env: tlsEnv(env),
          plugin: { ...FULL, config: { connectTimeoutMs: 500 } },
        }),
      ),
    ),
  );
  cases.forEach(([what, , reason], i) => {
    const error = errors[i];
    t.equal(error?.code, 'E_REDIS_CONNECT', `${what}: E_REDIS_CONNECT`);
    t.equal(error?.reason, reason, `${what}: classified as ${reason}`);
    const views = errorViews(error);
    captured.push(views);
    t.strictSame(leaked(views, [wrong, APP_PASSWORD]), [], `${what}: redacted`);
  });
});

t.test(
  'failed connections in development (memory fallback): health says why, redacted',
  async (t) => {
    const wrong = password('dev-wrong:p4ss/@-Hu3');
    const cases: ReadonlyArray<readonly [string, Record<string, string>, RegExp]> = [
      [
        'wrong ACL password',
        { REDIS_URL: `rediss://app:${encodeURIComponent(wrong)}@127.0.0.1:${server.port}/0` },
        /WRONGPASS/,
      ],
      ['a foreign CA', { REDIS_TLS_CA: escapePem(await foreignCa()) }, /certificate|verify/i],
    ];
    for (const [what, env, why] of cases) {
      const { app } = await startApp(t, undefined, {
        env: tlsEnv({ ...env, ENVIRONMENT: 'development' }),
        plugin: { ...FULL, config: { connectTimeoutMs: 500 } },
      });
      const health = await fetchBody(app, '/health');
      t.equal(health.statusCode, 200, `${what}: boots, health warns`);
      t.match(health.body, why, `${what}: the health body says why`);
      for (const path of ['/limited', '/cached'])
        t.equal(
          (await fetchBody(app, path)).statusCode,
          200,
          `${what}: ${path} answers from memory`,
        );
      t.ok(await clientError(app), `${what}: the main client throws`);
    }
  },
);

t.test('nothing escaped and no secret in any captured output', async (t) => {
  const { secrets, bytes } = scanned();
  const all = captured.join('\n');
  t.comment(`${secrets} secrets, ${bytes} bytes of logs (debug), health bodies and errors scanned`);
  t.ok(all.includes('WRONGPASS') && all.includes('rediss://app@'), 'the scan saw real failures');
  t.same(escaped(), [], 'no unhandled rejection or uncaught exception');
  t.same(leakedSecrets(), [], 'no secret in any captured output');
});

// Last: until the redis-manager fix, the uncaught exception it exposes ends the file.
t.test('mutual TLS against a certificate the app rejects: nothing escapes', async (t) => {
  // The client rejects the server's certificate and destroys its socket; the server's TLS
  // alert may then arrive on that socket as a second 'error'. Four apps reconnecting quickly
  // for 1.5 s make a hundred or more such sockets: none may throw out of the client.
  const before = escaped().length;
  const env = tlsEnv({ ENVIRONMENT: 'development', REDIS_TLS_CA: escapePem(await foreignCa()) });
  const plugin = { ...FULL, manager: { reconnect: { baseMs: 5, maxMs: 20 } } };
  const apps = await Promise.all([1, 2, 3, 4].map(() => startApp(t, undefined, { env, plugin })));
  await sleep(1_500);
  let reconnects = 0;
  for (const { app } of apps) {
    const { checks } = JSON.parse((await fetchBody(app, '/health')).body) as {
      checks: Record<string, [Check]>;
    };
    reconnects += checks['redis:main']?.[0].reconnects ?? 0;
  }
  t.comment(`${reconnects} rejected TLS connections in 1.5 s`);
  t.ok(reconnects >= 40, 'the apps kept retrying');
  t.same(escaped().slice(before), [], 'no uncaught exception from a rejected TLS socket');
  t.same(leakedSecrets(), [], 'no secret in their output either');
});
