import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RedisServerNotFoundError } from './errors.js';

const run = promisify(execFile);

/** The `redis-server` binary the harness starts: `REDIS_SERVER_BIN`, else `redis-server` on PATH. */
export function redisServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.REDIS_SERVER_BIN?.trim() || 'redis-server';
}

let checked: Promise<string> | undefined;

/**
 * Resolves with the version line of the `redis-server` the harness starts
 * (`Redis server v=7.0.15 sha=...`), or
 * rejects with `RedisServerNotFoundError` that says how to install it. Checked once per process.
 */
export function redisServerVersion(binary = redisServerBinary()): Promise<string> {
  checked ??= run(binary, ['--version']).then(
    ({ stdout }) => stdout.trim(),
    (error: unknown) => {
      checked = undefined;
      throw new RedisServerNotFoundError(binary, { cause: error });
    },
  );
  return checked;
}
