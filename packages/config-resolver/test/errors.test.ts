import t from 'tap';
import { ConfigError, PACKAGE_NAME } from '../src/errors.js';

t.test('ConfigError carries a stable code and every problem', async (t) => {
  const cause = new Error('root');
  const problems = [
    { variable: 'REDIS_PORT', message: 'got "x", expected an integer in 1..65535' },
    { variable: 'REDIS_DB', message: 'got "y", expected an integer in 0..15' },
  ];
  const error = new ConfigError(problems, { cause });
  t.type(error, Error);
  t.equal(error.name, 'ConfigError');
  t.equal(error.code, 'E_INVALID_CONFIG');
  t.equal(error.cause, cause);
  t.strictSame(error.problems, problems);
  t.not(error.problems, problems, 'a copy');
  t.ok(Object.isFrozen(error.problems) && Object.isFrozen(error.problems[0]));
  t.equal(
    error.message,
    [
      `${PACKAGE_NAME}: invalid Redis configuration (2 problems):`,
      '  - REDIS_PORT: got "x", expected an integer in 1..65535',
      '  - REDIS_DB: got "y", expected an integer in 0..15',
      'Fix the variables or options above; the package README lists what each one accepts.',
    ].join('\n'),
  );
});

t.test('one problem is singular', async (t) => {
  const error = new ConfigError([{ variable: 'X', message: 'm' }]);
  t.match(
    error.message,
    /^@redis-infra\/config-resolver: invalid Redis configuration \(1 problem\):\n {2}- X: m\n/,
  );
});
