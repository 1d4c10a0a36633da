import type { Socket } from 'node:net';
import type { ConfigOptions } from '@redis-infra/config-resolver';
import { startRedis, waitFor } from '@redis-infra/testing';
import type { Test } from 'tap';
import t from 'tap';
import type { ManagerOptions } from '../src/index.js';
import type { ManagedRedis } from '../src/managed-client.js';
import { configFor, connectedManager, recordEvents, timed } from './helpers.js';

/** Counts the writes the socket hands to the OS (one `_write` or `_writev` call each). */
function countWrites(socket: Socket): () => number {
  const internals = socket as unknown as Record<'_write' | '_writev', (...args: never[]) => void>;
  let writes = 0;
  for (const name of ['_write', '_writev'] as const) {
    const original = internals[name];
    internals[name] = function (this: Socket, ...args: never[]) {
      writes++;
      return original.apply(this, args);
    };
  }
  return () => writes;
}

const socketOf = (client: object): Socket => (client as { stream: Socket }).stream;
/** A Redis of the test's own, a manager connected to it, and the manager's pooled connection. */
async function pooled(t: Test, config: ConfigOptions = {}, options: ManagerOptions = {}) {
  const redis = await startRedis(t);
  const manager = await connectedManager(t, await configFor(redis.connection, config), options);
  return { redis, manager, client: manager.client() as ManagedRedis };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
/** A script that keeps Redis busy for `ms` (within the deadline, 300 ms), then returns 1. */
const busy = (ms: number): string =>
  `local t = redis.call('TIME') repeat local n = redis.call('TIME') until (n[1] - t[1]) * 1000000 + n[2] - t[2] >= ${ms * 1000} return 1`;

t.test('the commands of one event-loop turn go out in one write', async (t) => {
  const { manager, client } = await pooled(t);
  const socket = socketOf(client);
  const writes = countWrites(socket);

  const replies = Promise.all(Array.from({ length: 100 }, (_, i) => client.set(`k${i}`, i)));
  t.equal(socket.writableCorked, 1, 'the socket is held while the turn lasts');
  t.equal(writes(), 0, 'nothing written yet');
  t.equal((await replies).length, 100);
  t.equal(writes(), 1, '100 commands, one write');
  t.equal(socket.writableCorked, 0, 'released after the turn');

  // The next turn is a batch of its own, and a turn with one command is written alone.
  const [, two] = await Promise.all([client.get('k1'), client.get('k2')]);
  t.equal(two, '2');
  t.equal(await client.get('k3'), '3');
  t.equal(writes(), 3);

  // Leased connections are not batched: their commands go out at once.
  await manager.withConnection('main', async (leased) => {
    const reply = leased.get('k4');
    t.equal(socketOf(leased).writableCorked, 0, 'a leased connection writes at once');
    t.equal(await reply, '4');
  });
});

t.test(
  'while a batch awaits its replies, the commands called meanwhile wait and then go out together',
  async (t) => {
    const { client } = await pooled(t);
    const writes = countWrites(socketOf(client));

    // A batch that Redis holds for 100 ms.
    const slow = client.eval(busy(100), 0);
    await nextTurn();
    t.equal(writes(), 1, 'the slow batch is written');
    // Three turns of commands while it is in flight.
    const waiting: Array<Promise<unknown>> = [];
    for (let turn = 0; turn < 3; turn++) {
      waiting.push(client.set(`w${turn}`, turn), client.get(`w${turn}`));
      await nextTurn();
    }
    t.equal(writes(), 1, 'nothing more is written while it is in flight');
    t.equal(await slow, 1);
    t.same(await Promise.all(waiting), ['OK', '0', 'OK', '1', 'OK', '2'], 'in the order called');
    t.equal(writes(), 2, 'the six commands that waited went out in one write');
  },
);

t.test(
  'an explicit pipeline does not overtake the commands waiting for the batch in flight',
  async (t) => {
    const { client } = await pooled(t);

    const slow = client.eval(busy(50), 0);
    await nextTurn();
    const set = client.set('order', 'first');
    const read = client.pipeline().get('order').exec();
    t.equal(await slow, 1);
    t.equal(await set, 'OK');
    t.same(await read, [[null, 'first']], 'the pipeline read what was written before it');
  },
);

t.test(
  'a command waiting for a batch in flight fails at its own deadline, unwritten',
  async (t) => {
    const { redis, client } = await pooled(
      t,
      { commandTimeoutMs: 150, retryOnTimeout: true },
      { breaker: { failureThreshold: 100 } },
    );
    redis.pause();
    // In flight: a read, retried at its deadline, so the batch settles only at the second one.
    const inFlight = timed(() => client.get('a'));
    await nextTurn();
    const write = timed(() => client.set('w', '1'));
    const read = timed(() => client.get('b'));
    t.match((await write).error, /timed out/);
    t.ok(
      (await write).ms < 250,
      `the waiting write failed ${Math.round((await write).ms)} ms after its call, not after the batch before it`,
    );
    t.match((await inFlight).error, /timed out/, 'the read in flight timed out twice');
    t.match((await read).error, /timed out/, 'the waiting read was retried once, then failed');
    redis.resume();
    t.equal(await client.get('w'), null, 'the write that timed out waiting was never written');
  },
);

t.test('a script reloaded after NOSCRIPT is not held behind its own batch', async (t) => {
  const { client: pooledClient } = await pooled(t);
  const client = pooledClient as ManagedRedis & {
    answer(): Promise<number>;
  };
  client.defineCommand('answer', { numberOfKeys: 0, lua: 'return 42' });
  t.equal(await client.answer(), 42);
  await client.script('FLUSH'); // as after a restart: Redis has forgotten the script
  // EVALSHA fails with NOSCRIPT, and ioredis chains the EVAL it sends then to the first
  // command's promise; the batch must not wait for that promise.
  const reloaded = await timed(() => client.answer());
  t.equal(reloaded.value, 42);
  t.ok(
    reloaded.ms < 150,
    `answered in ${Math.round(reloaded.ms)} ms, not at the deadline (300 ms)`,
  );
});

t.test(
  'when the connection drops, the commands waiting for the batch in flight fail with it, counted',
  async (t) => {
    const { client } = await pooled(t);
    // Counts what reaches the endpoint's failure report.
    const { guard } = client.managed;
    let failed = 0;
    client.managed = {
      ...client.managed,
      guard: {
        admit: (...args) => guard.admit(...args),
        onFailure: (error, judged, count = 1) => {
          failed += count;
          guard.onFailure(error, judged, count);
        },
      },
    };
    const inFlight = timed(() => client.eval(busy(100), 0));
    await nextTurn();
    const waiting = [timed(() => client.set('w', '1')), timed(() => client.get('w'))];
    (client as unknown as { stream: Socket }).stream.destroy(); // the connection is lost
    const flushed = (await inFlight).error as Error;
    t.match(flushed, Error);
    for (const result of await Promise.all(waiting))
      t.equal(
        (result.error as Error).message,
        flushed.message,
        'the same error as the command in flight',
      );
    t.equal(failed, 3, 'the three are reported as failed, at once');
  },
);

t.test(
  'a command refused by a closing socket ends its batch: the connection serves after the reconnect',
  async (t) => {
    const { manager, client } = await pooled(t);
    const events = recordEvents(manager);
    socketOf(client).destroy(); // lost; ioredis has not noticed yet (its status is still ready)
    const refused = await timed(() => client.get('a'));
    t.match(refused.error, /writeable/, 'refused at once by ioredis');
    await waitFor('the reconnect', () => events.some(([event]) => event === 'ready'));
    t.equal(await client.set('after', '1'), 'OK', 'no batch is left waiting for it');
  },
);
