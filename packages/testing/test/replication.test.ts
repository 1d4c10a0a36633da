import t from 'tap';
import { startReplication } from '../src/replication.js';

t.test('master and replica: writes on the master reach the replica', async (t) => {
  const { master, replica } = await startReplication(t, { password: 'repl' });
  await master.call('SET', 'k', 'v');
  const [role] = (await replica.call('ROLE')) as [string];
  t.equal(role, 'slave');
  let value: unknown;
  for (let i = 0; i < 50 && value !== 'v'; i++) {
    value = await replica.call('GET', 'k');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.equal(value, 'v');
  await t.rejects(replica.call('SET', 'k', 'x'), /READONLY/);
});
