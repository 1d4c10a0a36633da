// Starts the example app the way `pnpm start` does (a child process, real HTTP), once with no
// Redis reachable and once against a real server, and checks every route.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type RedisServer, startRedis } from '@redis-infra/testing';
import t, { type Test } from 'tap';

const server = fileURLToPath(new URL('../src/server.ts', import.meta.url));

interface Running {
  url: string;
  logs: string[];
  child: ChildProcess;
}

/** Starts the app with `env`, resolves once it listens, stops it when the test ends. */
async function startApp(t: Test, env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, [...process.execArgv, server], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  t.teardown(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        logs.push(line);
        const parsed = JSON.parse(line) as { msg?: string; url?: string };
        if (parsed.msg?.startsWith('api-server listening') && parsed.url) resolve(parsed.url);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    child.once('exit', (code) =>
      reject(new Error(`the app exited (${code}) before listening:\n${logs.join('\n')}`)),
    );
  });
  return { url, logs, child };
}

async function exercise(t: Test, { url }: Running, expectedHealth: 'pass' | 'warn') {
  const get = (path: string, init?: RequestInit) => fetch(`${url}${path}`, init);

  const product = await get('/products/1');
  t.equal(product.status, 200);
  t.match(await product.json(), { id: '1', name: 'Espresso cup', category: 'kitchen' });
  t.equal((await get('/products/404')).status, 404);
  const coffee = (await (await get('/products?tag=coffee')).json()) as Array<{ id: string }>;
  t.same(coffee.map((p) => p.id).sort(), ['1', '2', '3', '7']);

  const put = await get('/products/1', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ price: 11 }),
  });
  t.equal(put.status, 200);
  t.match(
    await (await get('/products/1')).json(),
    { price: 11 },
    'the write invalidated the cached product',
  );
  t.equal(
    (
      await get('/products/1', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{"price":-1}',
      })
    ).status,
    400,
  );

  const first = await get('/categories');
  t.equal(first.headers.get('x-cache'), 'MISS');
  const second = await get('/categories');
  t.equal(second.headers.get('x-cache'), 'HIT');
  t.same(await second.json(), { kitchen: 4, textiles: 2, pantry: 2 });
  const etag = second.headers.get('etag') ?? '';
  t.equal((await get('/categories', { headers: { 'if-none-match': etag } })).status, 304);

  const logins: number[] = [];
  for (let i = 0; i < 6; i++) {
    const response = await get('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ada' }),
    });
    logins.push(response.status);
  }
  t.same(logins, [200, 200, 200, 200, 200, 429], 'the sixth login in a minute is refused');

  const health = await get('/health');
  t.equal(health.status, 200);
  t.match(health.headers.get('content-type'), /application\/health\+json/);
  t.equal(((await health.json()) as { status: string }).status, expectedHealth);
  t.same(await (await get('/health/ready')).json(), { status: expectedHealth });
  t.same(await (await get('/health/live')).json(), { status: 'pass' });
  t.match(await (await get('/stats')).json(), { sourceReads: Number, cache: { hits: Number } });
}

t.test('no Redis reachable: the app runs in the memory fallback and says so', async (t) => {
  const dead: RedisServer = await startRedis(t);
  await dead.kill();
  const app = await startApp(t, {
    ENVIRONMENT: 'development',
    REDIS_URL: dead.url,
    REDIS_CONNECT_TIMEOUT_MS: '300',
  });
  t.match(app.logs.join('\n'), /cache and rate limits run in memory \(development fallback\)/);
  await exercise(t, app, 'warn');
});

t.test('with Redis: the app uses it', async (t) => {
  const redis = await startRedis(t, { password: 'example-secret' });
  const app = await startApp(t, { ENVIRONMENT: 'development', REDIS_URL: redis.url });
  await exercise(t, app, 'pass');
  t.match(String(await redis.call('KEYS', '*')), /cache/);
  t.notMatch(app.logs.join('\n'), /example-secret/);
});
