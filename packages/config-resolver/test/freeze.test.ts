import t from 'tap';
import { deepFreeze } from '../src/freeze.js';

t.test('deepFreeze freezes nested objects and arrays, once', async (t) => {
  const shared = { x: 1 };
  const value = { a: { b: [shared, { c: 2 }] }, shared, n: null, s: 'str' };
  t.equal(deepFreeze(value), value);
  t.ok(Object.isFrozen(value));
  t.ok(Object.isFrozen(value.a.b));
  t.ok(Object.isFrozen(value.a.b[1]));
  t.ok(Object.isFrozen(shared));
  t.equal(deepFreeze(null), null);
  t.equal(deepFreeze(3), 3);
});
