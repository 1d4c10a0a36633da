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

t.test('KeySpace: Redis keys, and L1 keys (Redis keys without the root prefix)', async (t) => {
  const ns = new KeySpace('app:', 'users');
  t.equal(ns.root, 'app:users:');
  t.equal(ns.l1Key('1'), '1', 'a plain key of the root namespace is its own L1 key');
  t.equal(ns.redisKey(ns.l1Key('1')), 'app:users:1');
  t.equal(ns.l1Key('#1'), encodeKey('#1'), 'a reserved one is hashed');
  t.equal(ns.tag('red'), 'app:users:#t:red');
  t.equal(ns.lock('1'), 'app:users:#l:1');
  const admins = ns.child('admins');
  t.match(admins, { name: 'users:admins', root: 'app:users:', l1Prefix: 'admins:' });
  t.equal(admins.prefix, 'app:users:admins:');
  t.equal(admins.l1Key('1'), 'admins:1');
  t.equal(admins.redisKey(admins.l1Key('1')), 'app:users:admins:1');
  t.equal(ns.l1Key('admins:1'), admins.l1Key('1'), 'the same Redis key, the same L1 key');
  t.match(admins.child('x'), { name: 'users:admins:x', l1Prefix: 'admins:x:' });
  // What bus messages name, in L1 terms: keys and cleared prefixes under the root, or not.
  t.equal(ns.l1KeyOf('app:users:admins:1'), 'admins:1');
  t.equal(ns.l1KeyOf('app:other:1'), undefined);
  t.equal(ns.l1PrefixOf('app:users:admins:'), 'admins:');
  t.equal(ns.l1PrefixOf('app:users:'), '');
  t.equal(ns.l1PrefixOf('app:'), '', 'a namespace holding this root: all of it');
  t.equal(ns.l1PrefixOf('app:other:'), undefined);
  t.equal(new KeySpace('a*[b]?\\', 'n').pattern(), 'a\\*\\[b\\]\\?\\\\n:*');
  t.equal(escapeGlob('plain'), 'plain');
});

t.test('KeySpace remembers the L1 keys of the last keys it built, within a bound', async (t) => {
  const ns = new KeySpace('app:', 'users').child('c');
  const long = 'x'.repeat(300);
  t.equal(ns.l1Key(long), `c:${encodeKey(long)}`);
  t.equal(ns.l1Key('short'), 'c:short');
  t.equal(ns.l1Key('short'), 'c:short', 'remembered: the same answer');
  // Past the bound everything is forgotten at once, and the answers stay the same.
  const keys = Array.from({ length: REMEMBERED_KEYS + 1 }, (_, i) => `k${i}`);
  t.ok(keys.every((key) => ns.l1Key(key) === `c:${key}`));
  t.equal(ns.l1Key(long), `c:${encodeKey(long)}`);
  t.equal(ns.l1Key('k0'), 'c:k0');
});

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
