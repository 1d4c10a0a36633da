import type { Socket } from 'node:net';
import { startRedis } from '@redis-infra/testing';
import t from 'tap';
import { configFor, managerFor } from './helpers.js';

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

t.test('the commands of one event-loop turn go out in one write', async (t) => {
  const redis = await startRedis(t);
  const manager = managerFor(t, await configFor(redis.connection));
  await manager.connect();
  const client = manager.client();
  const socket = (client as unknown as { stream: Socket }).stream;
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

  // Leased and subscriber connections are not batched: their commands go out at once.
  await manager.withConnection('main', async (leased) => {
    const stream = (leased as unknown as { stream: Socket }).stream;
    const reply = leased.get('k4');
    t.equal(stream.writableCorked, 0, 'a leased connection writes at once');
    t.equal(await reply, '4');
  });
});
