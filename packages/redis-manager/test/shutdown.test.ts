import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRedis } from '@redis-infra/testing';
import t from 'tap';

const fixture = fileURLToPath(new URL('./fixtures/exit-on-close.ts', import.meta.url));

async function run(port: number) {
  const child = spawn(process.execPath, [...process.execArgv, fixture, String(port)], {
    stdio: 'pipe',
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const started = Date.now();
  const code = await new Promise((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr, ms: Date.now() - started };
}

t.test('after close() no timer or socket keeps the process alive', async (t) => {
  const redis = await startRedis(t);
  const up = await run(redis.port);
  t.equal(up.code, 0);
  t.equal(up.stdout.trim(), 'up');
  t.equal(up.stderr, '');
});

t.test(
  'also when Redis was never there (fallback, reconnecting); no unhandled ioredis error',
  async (t) => {
    const redis = await startRedis(t);
    await redis.kill();
    const down = await run(redis.port);
    t.equal(down.code, 0);
    t.equal(down.stdout.trim(), 'fallback');
    t.notMatch(down.stderr, /Unhandled error event/);
    t.equal(down.stderr, '');
  },
);
