import { Writable } from 'node:stream';
import type { Owner } from '@redis-infra/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { type RedisInfraOptions, redisInfra } from '../src/index.js';

/** Where the app's Redis is. */
export interface Target {
  host: string;
  port: number;
  password?: string | undefined;
}

/** Everything the app logged, as text (to scan for secrets). */
export interface LogCapture {
  text(): string;
  lines(): Array<Record<string, unknown>>;
}

/** A Fastify app with the plugin on `target`, closed when the test ends; its pino output is captured. */
export async function appFor(
  t: Owner,
  target: Target,
  options: RedisInfraOptions = {},
  env: Record<string, string> = { ENVIRONMENT: 'production' },
): Promise<{ app: FastifyInstance; logs: LogCapture }> {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const app = Fastify({ logger: { level: 'debug', stream } });
  t.teardown(async () => {
    await app.close();
    // Every app of the suite logs at debug level: no line of it may hold the password.
    const leaked = target.password && chunks.join('').includes(target.password);
    if (leaked) throw new Error('the Redis password appeared in the log');
  });
  await app.register(redisInfra, {
    env,
    ...options,
    config: {
      host: target.host,
      port: target.port,
      ...(target.password ? { password: target.password } : {}),
      connectTimeoutMs: 1_000,
      commandTimeoutMs: 300,
      healthCheckIntervalMs: 0,
      ...options.config,
    },
    manager: {
      reconnect: { baseMs: 20, maxMs: 200 },
      breaker: { cooldownMs: 200 },
      ...options.manager,
    },
  });
  return {
    app,
    logs: {
      text: () => chunks.join(''),
      lines: () =>
        chunks
          .join('')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line)),
    },
  };
}
