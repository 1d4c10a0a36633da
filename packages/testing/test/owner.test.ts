import t from 'tap';
import { createScope } from '../src/owner.js';

t.test('a scope runs its teardowns newest first, once', async (t) => {
  const scope = createScope();
  const order: number[] = [];
  scope.teardown(() => order.push(1));
  scope.teardown(async () => {
    order.push(2);
  });
  await scope.close();
  await scope.close();
  t.same(order, [2, 1]);
});
