import t from 'tap';
import { encodeKey, escapeGlob, KeySpace, MAX_KEY_BYTES, REMEMBERED_KEYS } from '../src/keys.js';
import { standalone } from './helpers.js';

t.test('encodeKey: short keys as they are, long or reserved ones hashed', async (t) => {
  t.equal(encodeKey('user:1'), 'user:1');
  t.equal(encodeKey(''), '');
  t.equal(encodeKey('é'.repeat(100)), 'é'.repeat(100), '200 bytes: kept');
  t.match(encodeKey('é'.repeat(101)), /^#h:[\w-]{43}$/, '202 bytes: hashed');
  t.equal(encodeKey('a'.repeat(MAX_KEY_BYTES)), 'a'.repeat(MAX_KEY_BYTES));
  t.match(encodeKey('#t:x'), /^#h:/, 'reserved first character');
  t.not(encodeKey('x'.repeat(300)), encodeKey('y'.repeat(300)));
  t.equal(encodeKey('x'.repeat(300)), encodeKey('x'.repeat(300)), 'stable');
});

t.test('KeySpace', async (t) => {
  const ns = new KeySpace('app:', 'users');
  t.equal(ns.entry('1'), 'app:users:1');
  t.equal(ns.tag('red'), 'app:users:#t:red');
  t.equal(ns.lock('1'), 'app:users:#l:1');
  t.equal(ns.child('admins').entry('1'), 'app:users:admins:1');
  t.equal(new KeySpace('a*[b]?\\', 'n').pattern(), 'a\\*\\[b\\]\\?\\\\n:*');
  t.equal(escapeGlob('plain'), 'plain');
});

t.test(
  'KeySpace remembers the Redis keys of the last short keys it saw, within a bound',
  async (t) => {
    const ns = new KeySpace('app:', 'users');
    const long = 'x'.repeat(300);
    t.equal(ns.entry(long), `app:users:${encodeKey(long)}`);
    t.equal(ns.entry('short'), 'app:users:short');
    t.equal(ns.entry('short'), 'app:users:short', 'remembered: the same answer');
    // Past the bound everything is forgotten at once, and the answers stay the same.
    const keys = Array.from({ length: REMEMBERED_KEYS + 1 }, (_, i) => `k${i}`);
    t.ok(keys.every((key) => ns.entry(key) === `app:users:${key}`));
    t.equal(ns.entry(long), `app:users:${encodeKey(long)}`);
    t.equal(ns.entry('k0'), 'app:users:k0');
  },
);

t.test('clear() of a namespace with glob characters deletes only its own keys', async (t) => {
  const { cache, redis } = await standalone(t, { namespace: 'n*' });
  const other = cache.namespace('x');
  await cache.set('k', 1);
  await redis.call('SET', 'nx:k', 'not ours');
  await cache.clear();
  t.equal(await redis.call('GET', 'nx:k'), 'not ours');
  t.equal(await redis.call('EXISTS', 'n*:k'), 0);
  t.equal(await other.get('k'), undefined);
});
