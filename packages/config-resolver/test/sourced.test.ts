import t from 'tap';
import { compact, firstOf } from '../src/sourced.js';

t.test('firstOf returns the first defined candidate with its source', async (t) => {
  t.strictSame(firstOf([undefined, 'a'], [0, 'b'], [1, 'c']), { value: 0, source: 'b' });
  t.equal(firstOf([undefined, 'a']), undefined);
  t.equal(firstOf(), undefined);
});

t.test('compact drops undefined values only', async (t) => {
  t.strictSame(compact({ a: 1, b: undefined, c: null, d: '' }), { a: 1, c: null, d: '' });
});
