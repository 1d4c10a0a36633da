import { EventEmitter } from 'node:events';
import t from 'tap';
import { guardStream } from '../src/stream-guard.js';

t.test('a socket that errors again after ioredis stopped listening does not throw', async (t) => {
  const stream = new EventEmitter();
  stream.once('error', () => {}); // as ioredis does
  guardStream({ stream });
  guardStream({ stream }); // a second report of the same socket adds nothing
  stream.emit('error', new Error('certificate rejected'));
  t.doesNotThrow(() => stream.emit('error', new Error('alert on the destroyed socket')));
  t.equal(stream.listenerCount('error'), 1, 'one listener of its own per socket');
  t.doesNotThrow(() => guardStream({}), 'no socket yet: nothing to guard');
});
