import { createServer } from 'node:net';
import t from 'tap';
import { freePort } from '../src/free-port.js';

t.test('freePort hands out a bindable port that is not a Redis default', async (t) => {
  const port = await freePort();
  t.not(port, 6379);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await new Promise((resolve) => server.close(resolve));
});
