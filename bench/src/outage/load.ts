import type { Owner } from '@redis-infra/testing';
import { forkOwned, messageFrom, sibling } from '../child-process.js';
import type { OutageSettings } from '../settings.js';
import type { Samples } from './samples.js';

/** `load-child.js` next to this file (`.ts` when run from source by tap). */
const LOAD_CHILD = sibling(import.meta.url, './load-child');
// Generous: from source (tap), each child compiles its TypeScript first, on a busy machine.
const START_TIMEOUT_MS = 60_000;

/** Load running in its own process, until stopped. */
export interface RunningLoad {
  /** Stops sending, waits for the requests in flight and resolves with every request. */
  stop(): Promise<Samples>;
}

/**
 * Starts loading `url` from a child process (stopped with `owner`), so that the load's own
 * work and the bench's (killing and restarting Redis, polling) do not share an event loop.
 */
export async function startLoad(
  owner: Owner,
  url: string,
  settings: OutageSettings,
): Promise<RunningLoad> {
  const { child, stderr } = forkOwned(
    owner,
    LOAD_CHILD,
    [url, String(settings.connections), String(settings.requestTimeoutMs)],
    { serialization: 'advanced' },
  );
  await messageFrom(
    child,
    'outage load',
    START_TIMEOUT_MS,
    (message) => ((message as { started?: unknown } | null)?.started === true ? true : undefined),
    stderr,
  );
  return {
    stop() {
      const samples = messageFrom(
        child,
        'outage load',
        settings.requestTimeoutMs + START_TIMEOUT_MS,
        (message) => (message as { samples?: Samples } | null)?.samples,
        stderr,
      );
      child.send({ stop: true });
      return samples;
    },
  };
}
