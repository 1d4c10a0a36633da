import { type Redis, SentinelConnector } from 'ioredis';

/** ioredis' private Sentinel connector state and failover-detector start. */
interface Detecting {
  connecting: boolean;
  initFailoverDetector(): Promise<void>;
}

/**
 * Keeps a Sentinel connection from starting its failover detector once it was told to
 * disconnect. ioredis starts the detector (a connection to every sentinel, each reconnecting
 * forever, with no `error` listener) when the master's socket connects; a `disconnect()`
 * while that socket is still connecting ends it only after it connected, so the detector
 * started then is never cleaned up: the process keeps reconnecting to the sentinels after
 * `close()` and prints "[ioredis] Unhandled error event" once they are gone. Per connection
 * (ioredis' prototype is left alone: other clients in the process are not ours to change).
 */
export function guardFailoverDetector(client: Redis): void {
  const connector = (client as unknown as { connector: unknown }).connector;
  if (!(connector instanceof SentinelConnector)) return;
  const detecting = connector as unknown as Detecting;
  const start = detecting.initFailoverDetector;
  detecting.initFailoverDetector = function (this: Detecting) {
    return this.connecting ? start.call(this) : Promise.resolve();
  };
}
