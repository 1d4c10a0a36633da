import type { Socket } from 'node:net';
import { startSentinel, waitFor } from '@redis-infra/testing';
import { Redis } from 'ioredis';
import t from 'tap';
import { guardFailoverDetector } from '../src/detector-guard.js';

/** ioredis' private Sentinel connector. */
interface Connector {
  failoverDetector: object | null;
  connect(...args: unknown[]): Promise<Socket>;
}

t.test(
  'a Sentinel connection closed while its socket connects starts no failover detector',
  async (t) => {
    const topology = await startSentinel(t);
    const client = new Redis({
      sentinels: topology.sentinelAddresses.map(({ host, port }) => ({ host, port })),
      name: topology.name,
      lazyConnect: true,
      failoverDetector: true,
      retryStrategy: null,
    });
    client.on('error', () => {});
    guardFailoverDetector(client);
    const connector = (client as unknown as { connector: Connector }).connector;
    // The race, made certain: `disconnect()` once the master's address is known and its socket
    // is created, before the socket connects (a manager closed during a reconnect).
    const connect = connector.connect.bind(connector);
    const socketConnected = new Promise<void>((resolve) => {
      connector.connect = async (...args) => {
        const socket = await connect(...args);
        client.disconnect();
        socket.once('connect', () => setImmediate(resolve));
        return socket;
      };
    });
    await client.connect().catch(() => {});
    await socketConnected;
    t.equal(connector.failoverDetector, null, 'no connections to the sentinels were opened');
    t.equal(client.status, 'end');
    // A connection that is not closed still gets its detector (ioredis' own behaviour).
    const normal = new Redis({
      sentinels: topology.sentinelAddresses.map(({ host, port }) => ({ host, port })),
      name: topology.name,
      lazyConnect: true,
      failoverDetector: true,
    });
    guardFailoverDetector(normal);
    await normal.connect();
    const detecting = (normal as unknown as { connector: Connector }).connector;
    await waitFor('the failover detector', () => detecting.failoverDetector !== null);
    normal.disconnect();
    t.doesNotThrow(
      () => guardFailoverDetector(new Redis({ lazyConnect: true })),
      'not Sentinel: nothing to guard',
    );
  },
);
