import type { Owner } from '@redis-infra/testing';
import { forkOwned, messageFrom, sibling } from '../child-process.js';
import type { AppKind, Target } from './apps.js';

/** `server.js` next to this file (`server.ts` when run from source by tap). */
const SERVER = sibling(import.meta.url, './server');
// Generous: from source (tap), each child compiles its TypeScript first, on a busy machine.
const START_TIMEOUT_MS = 60_000;

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
  const { child, stderr } = forkOwned(owner, SERVER, [kind, target.host, String(target.port)]);
  const port = await messageFrom(
    child,
    `app ${kind}`,
    START_TIMEOUT_MS,
    (message) => {
      const port = (message as { port?: unknown } | null)?.port;
      if (typeof port === 'number') return port;
      throw new Error(`@redis-infra/bench: app ${kind} sent ${JSON.stringify(message)}`);
    },
    stderr,
  );
  return { kind, url: `http://127.0.0.1:${port}`, pid: child.pid };
}
