import t from 'tap';
import { redisServerBinary, redisServerVersion } from '../src/redis-binary.js';

t.test('a missing redis-server says what it looked for and how to install it', async (t) => {
  const error = await redisServerVersion('/nonexistent/redis-server').catch((e: unknown) => e);
  t.match(error, {
    name: 'RedisServerNotFoundError',
    code: 'E_REDIS_SERVER_NOT_FOUND',
    message:
      /"\/nonexistent\/redis-server" was not found.*apt-get install redis-server.*brew install redis/,
  });
});

t.test('the version of the redis-server on PATH, checked once', async (t) => {
  const version = await redisServerVersion();
  t.match(version, /^Redis server v=\d+\.\d+\.\d+/);
  t.equal(await redisServerVersion('/ignored/once/checked'), version);
});

t.test('REDIS_SERVER_BIN picks the binary', async (t) => {
  t.equal(redisServerBinary({}), 'redis-server');
  t.equal(
    redisServerBinary({ REDIS_SERVER_BIN: ' /opt/redis/bin/redis-server ' }),
    '/opt/redis/bin/redis-server',
  );
  t.equal(redisServerBinary({ REDIS_SERVER_BIN: '' }), 'redis-server');
});
