import t from 'tap';
import { z } from 'zod';
import { problem, show, toProblems } from '../src/problems.js';

t.test('show redacts secrets and URL passwords, and cuts long values', async (t) => {
  t.equal(show('hunter2', 'REDIS_PASSWORD'), '[redacted]');
  t.equal(show(42, 'password'), '[redacted]');
  t.equal(show('redis://u:pw@h', 'REDIS_URL'), '"redis://u:[redacted]@h"');
  t.equal(show({ password: 'pw', port: 1 }, 'roles'), '{"password":"[redacted]","port":1}');
  t.equal(show(3, 'port'), '3');
  const long = show('x'.repeat(500), 'REDIS_KEY_PREFIX');
  t.equal(long.length, 200);
  t.ok(long.endsWith('...'));
});

t.test('problem formats got, expected and detail', async (t) => {
  t.strictSame(problem('options.roles.cache.port', 0, 'a port'), {
    variable: 'options.roles.cache.port',
    message: 'got 0, expected a port',
  });
  t.strictSame(problem('REDIS_URL', 'x', 'a URL', 'no scheme'), {
    variable: 'REDIS_URL',
    message: 'got "x", expected a URL (no scheme)',
  });
});

t.test('toProblems groups issues per variable and numbers list entries', async (t) => {
  const schema = z.object({
    A: z.array(
      z.string().transform((value, ctx) => {
        ctx.issues.push({ code: 'custom', input: value, message: `bad`, params: { detail: true } });
        return value;
      }),
    ),
    B: z.number().refine(() => false, 'plain custom issues are not details'),
  });
  const input = { A: ['x', 'y'], B: 1 };
  const issues = schema.safeParse(input).error?.issues ?? [];
  t.strictSame(
    toProblems(issues, input, {
      prefix: 'p.',
      depth: () => 1,
      accepts: (path) => `accepts ${String(path[0])}`,
      known: { top: [], nested: [] },
    }),
    [
      {
        variable: 'p.A',
        message: 'got ["x","y"], expected accepts A (entry 1: bad; entry 2: bad)',
      },
      { variable: 'p.B', message: 'got 1, expected accepts B' },
    ],
  );
});
