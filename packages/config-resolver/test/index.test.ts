import t from 'tap';
import * as api from '../src/index.js';

t.test('the public surface', async (t) => {
  t.strictSame(Object.keys(api).sort(), [
    'ConfigError',
    'DEFAULTS',
    'PACKAGE_NAME',
    'REDACTED',
    'VARIABLES',
    'redact',
    'redactText',
    'redactUrl',
    'resolveConfig',
  ]);
  t.equal(api.PACKAGE_NAME, '@redis-infra/config-resolver');
  t.equal(api.REDACTED, '[redacted]');
});
