import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Owner } from '@redis-infra/testing';
import type { AppKind, Target } from './apps.js';

/** `server.js` next to this file (`server.ts` when run from source by tap). */
const SERVER = fileURLToPath(
  new URL(`./server${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/** An app running in a child process. */
export interface AppProcess {
  kind: AppKind;
  /** `http://127.0.0.1:<port>` */
  url: string;
  pid: number | undefined;
}

/**
 * Forks the app of `kind` and resolves once it listens. The child is stopped (SIGTERM, then
 * SIGKILL) with `owner`; it also exits by itself if this process goes away (IPC disconnect).
 */
export async function startApp(owner: Owner, kind: AppKind, target: Target): Promise<AppProcess> {
  const child = fork(SERVER, [kind, target.host, String(target.port)], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  owner.teardown(() => stop(child));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`@redis-infra/bench: app ${kind} did not listen within 15 s`)),
      START_TIMEOUT_MS,
    );
    child.once('message', (message: { port?: unknown }) => {
      clearTimeout(timer);
      if (typeof message.port === 'number') resolve(message.port);
      else reject(new Error(`@redis-infra/bench: app ${kind} sent ${JSON.stringify(message)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`@redis-infra/bench: app ${kind} exited (${code}) before listening\n${stderr}`),
      );
    });
  });
  return { kind, url: `http://127.0.0.1:${port}`, pid: child.pid };
}

/** Stops `child`: SIGTERM (the app closes its Redis clients), SIGKILL if it lingers. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
