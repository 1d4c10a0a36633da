import { ConfigError, resolveConfig } from '@redis-infra/config-resolver';
import t from 'tap';
import { startApp } from './harness/app.js';
import { errorViews } from './harness/error-views.js';
import { escaped } from './harness/guards.js';
import { MALFORMED } from './harness/malformed-env.js';
import { leaked, leakedSecrets, scanned, secret } from './harness/secrets.js';

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

t.test('the corpus holds at least 100 malformed environments, named uniquely', async (t) => {
  const categories = new Map<string, number>();
  for (const c of MALFORMED) {
    const category = c.name.slice(0, c.name.indexOf(':'));
    categories.set(category, (categories.get(category) ?? 0) + 1);
  }
  t.comment(`${MALFORMED.length} environments: ${JSON.stringify(Object.fromEntries(categories))}`);
  t.ok(MALFORMED.length >= 100, `${MALFORMED.length} environments`);
  t.equal(new Set(MALFORMED.map((c) => c.name)).size, MALFORMED.length, 'names are unique');
  t.ok(
    MALFORMED.every((c) => c.secrets.length > 0),
    'every environment carries a password',
  );
});

for (const c of MALFORMED) {
  t.test(c.name, async (t) => {
    for (const value of c.secrets) secret(value);

    const error = await failure(resolveConfig({ env: c.env }));
    if (!(error instanceof ConfigError)) {
      t.fail(`expected a ConfigError, got ${String(error)}`);
      return;
    }
    t.equal(error.code, 'E_INVALID_CONFIG');
    t.ok(
      error.problems.some((problem) => problem.variable === c.variable),
      `a problem names ${c.variable}: ${JSON.stringify(error.problems)}`,
    );
    t.ok(error.message.includes(`  - ${c.variable}: `), `the message names ${c.variable}`);
    t.strictSame(leaked(errorViews(error), c.secrets), [], 'no view of the error holds a secret');

    // The plugin fails ready() with the same error; its log is scanned at the end of the file.
    const boot = await failure(startApp(t, undefined, { env: c.env }));
    t.ok(boot instanceof ConfigError, 'registering the plugin fails with the ConfigError');
    t.strictSame((boot as ConfigError).problems, error.problems, 'with the same problems');
    t.strictSame(leaked(errorViews(boot), c.secrets), [], 'no view of it holds a secret');
  });
}

t.test('nothing escaped and no secret in any captured output', async (t) => {
  const { secrets, bytes } = scanned();
  t.comment(`${secrets} secrets, ${bytes} bytes of errors and logs scanned`);
  t.same(escaped(), [], 'no unhandled rejection or uncaught exception');
  t.same(leakedSecrets(), [], 'no secret in any captured output');
});
