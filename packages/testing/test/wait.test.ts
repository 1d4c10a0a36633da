import t from 'tap';
import { waitFor } from '../src/wait.js';

t.test('waitFor returns the first truthy-enough value', async (t) => {
  let calls = 0;
  const value = await waitFor('three calls', () => (++calls === 3 ? 0 : undefined), {
    intervalMs: 1,
  });
  t.equal(value, 0, '0 and empty strings count as values');
  t.equal(calls, 3);
});

t.test('waitFor treats errors as "not yet" and reports the last one on timeout', async (t) => {
  const cause = new Error('still down');
  const error = await waitFor(
    'the impossible',
    async () => {
      throw cause;
    },
    { timeoutMs: 30, intervalMs: 5 },
  ).catch((e: unknown) => e);
  t.match(error, {
    name: 'WaitTimeoutError',
    code: 'E_WAIT_TIMEOUT',
    message: '@redis-infra/testing: timed out after 30 ms waiting for the impossible',
    cause,
  });
});

t.test('waitFor defaults', async (t) => {
  t.equal(await waitFor('true', () => true), true);
});
