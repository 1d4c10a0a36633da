import { type ChildProcess, type ForkOptions, fork } from 'node:child_process';
import { once } from 'node:events';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Owner } from '@redis-infra/testing';

const STOP_TIMEOUT_MS = 5_000;

/**
 * The path of the bench module `relative` to `base` (an `import.meta.url`), with the caller's
 * own extension: `.js` from `dist/`, `.ts` when tap runs the sources.
 */
export function sibling(base: string, relative: string): string {
  return fileURLToPath(new URL(`${relative}${extname(fileURLToPath(base))}`, base));
}

/**
 * Forks `script` with an IPC channel and registers its stop (SIGTERM, then SIGKILL) with
 * `owner`. The child inherits this process' `execArgv` (tap's loader) plus `execArgv`.
 * Children of the bench exit by themselves when this process goes away (IPC disconnect).
 */
export function forkOwned(
  owner: Owner,
  script: string,
  args: readonly string[],
  options: { execArgv?: readonly string[]; serialization?: ForkOptions['serialization'] } = {},
): { child: ChildProcess; stderr: () => string } {
  const child = fork(script, [...args], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv: [...process.execArgv, ...(options.execArgv ?? [])],
    serialization: options.serialization ?? 'json',
  });
  owner.teardown(() => stopChild(child));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  return { child, stderr: () => stderr };
}

/**
 * The first message of `child` that `accept` returns a value for, within `timeoutMs`; rejects
 * when `accept` throws, the child exits first (with what it printed on stderr) or the time
 * runs out.
 */
export function messageFrom<T>(
  child: ChildProcess,
  what: string,
  timeoutMs: number,
  accept: (message: unknown) => T | undefined,
  stderr: () => string = () => '',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: unknown): void => {
      let value: T | undefined;
      try {
        value = accept(message);
      } catch (error) {
        done();
        reject(error);
        return;
      }
      if (value === undefined) return;
      done();
      resolve(value);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      done();
      reject(new Error(`@redis-infra/bench: ${what} exited (${signal ?? code})\n${stderr()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`@redis-infra/bench: ${what} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Stops `child`: SIGTERM (it closes what it opened), SIGKILL if it lingers. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
