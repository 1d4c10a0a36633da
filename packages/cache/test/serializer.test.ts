import t from 'tap';
import { jsonSerializer, type Serializer } from '../src/index.js';
import { standalone } from './helpers.js';

const header = JSON.stringify({ e: Date.now() + 60_000, s: Date.now() + 60_000 });
const envelope = (payload: string, head = header) => `RIC1\n${head}\n${payload}`;

t.test(
  'hostile L2 contents never pollute a prototype: they read as values or misses',
  async (t) => {
    const { cache, redis, manager } = await standalone(t);
    const write = (key: string, value: string | Buffer) =>
      manager.client('cache').set(`cache:${key}`, value);
    await write('raw-proto', '{"__proto__":{"polluted":1}}');
    await write('env-proto', envelope('{"__proto__":{"polluted":1},"ok":true}'));
    await write('env-ctor', envelope('{"constructor":{"prototype":{"polluted":1}},"ok":1}'));
    await write('head-proto', envelope('1', '{"__proto__":{"polluted":1},"e":9e15,"s":9e15}'));
    await write('truncated', envelope('{"a":[1,2'));
    await write('truncated-head', 'RIC1\n{"e":1');
    await write('broken-head', 'RIC1\n{"e":1,\n1');
    await write('no-payload', 'RIC1\n{"e":9e15,"s":9e15}');
    await write('bytes', Buffer.from([0xff, 0xfe, 0x00, 0x52, 0x49, 0x43, 0x31, 0x0a, 0x9c]));
    await write('bentocache', '{"value":"x","logicalExpiration":9999999999999}');
    await write('cache-manager', '"plain json string"');
    await write('future', envelope('1').replace('RIC1', 'RIC2'));
    await redis.call('HSET', 'cache:wrong-type', 'f', 'v');
    const badHeads = [
      '[1,2]',
      'null',
      '{"e":"1","s":9e15}',
      '{"e":9e15,"s":9e15,"t":["a"]}',
      '{"e":9e15,"s":9e15,"t":["a"],"v":[1,2]}',
      '{"e":9e15,"s":9e15,"t":[1],"v":[1]}',
      '{"e":9e15,"s":9e15,"t":["a"],"v":["1"]}',
      '{"e":9e15,"s":9e15,"t":"a","v":"1"}',
      '{"e":1,"s":1}',
    ];
    for (const head of badHeads) await write(`head:${head}`, envelope('1', head));

    const keys = [
      'raw-proto',
      'truncated',
      'truncated-head',
      'broken-head',
      'no-payload',
      'bytes',
      'bentocache',
      'cache-manager',
      'future',
      'wrong-type',
    ];
    for (const key of keys) t.equal(await cache.get(key), undefined, `${key}: a miss`);
    t.same(await cache.get('env-proto'), { ok: true }, 'the __proto__ key is dropped');
    t.same(await cache.get('env-ctor'), { ok: 1 }, 'the constructor key is dropped');
    t.equal(await cache.get('head-proto'), 1);
    const heads = await cache.getMany(badHeads.map((head) => `head:${head}`));
    t.same(heads, new Array(badHeads.length).fill(undefined), 'malformed headers: misses');
    await write('head:ok', envelope('1'));
    t.equal(await cache.get('head:ok'), 1, 'the well-formed one reads');
    t.equal(await cache.getOrSet('bytes', () => 'replaced'), 'replaced', 'a miss is loaded over');
    t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is clean');
    t.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  },
);

t.test('a pluggable serializer; one that throws or returns nothing reads as a miss', async (t) => {
  const base64: Serializer = {
    serialize: (value) => Buffer.from(JSON.stringify(value)).toString('base64'),
    deserialize: (text) => {
      if (text === 'undefined') return undefined;
      return JSON.parse(Buffer.from(text, 'base64').toString());
    },
  };
  const { cache, redis } = await standalone(t, { serializer: base64 });
  await cache.set('k', { a: 1 });
  t.match(String(await redis.call('GET', 'cache:k')), /\neyJhIjoxfQ==$/);
  t.same(await cache.get('k'), { a: 1 });
  await redis.call('SET', 'cache:bad', envelope('%%%'));
  await redis.call('SET', 'cache:nothing', envelope('undefined'));
  t.equal(await cache.get('bad'), undefined);
  t.equal(await cache.get('nothing'), undefined);
  const failing: Serializer = {
    serialize: () => {
      throw new Error('cannot');
    },
    deserialize: (text) => text,
  };
  const other = await standalone(t, { serializer: failing });
  await t.rejects(other.cache.set('k', 1), { code: 'E_SERIALIZE', message: /cannot/ });
  const empty = await standalone(t, {
    serializer: { serialize: () => 1 as never, deserialize: String },
  });
  await t.rejects(empty.cache.set('k', 1), { code: 'E_SERIALIZE' });
});

t.test('the default serializer parses safely', async (t) => {
  t.same(jsonSerializer.deserialize('{"__proto__":{"x":1},"a":1}'), { a: 1 });
  t.throws(() => jsonSerializer.deserialize('{'));
  t.equal(jsonSerializer.serialize({ a: 1 }), '{"a":1}');
});
