import t from 'tap';
import { resolveEnvironment } from '../src/environment.js';

const none = {
  option: undefined,
  ENVIRONMENT: undefined,
  NODE_ENV: undefined,
  RAILWAY_ENVIRONMENT_NAME: undefined,
};

t.test(
  'precedence: option > ENVIRONMENT > NODE_ENV > RAILWAY_ENVIRONMENT_NAME > development',
  async (t) => {
    t.strictSame(resolveEnvironment(none), {
      environment: 'development',
      notes: [
        'environment development (default: no ENVIRONMENT, NODE_ENV or RAILWAY_ENVIRONMENT_NAME)',
      ],
    });
    t.equal(
      resolveEnvironment({ ...none, option: 'test', ENVIRONMENT: 'production' }).environment,
      'test',
    );
    t.equal(
      resolveEnvironment({ ...none, ENVIRONMENT: 'staging', NODE_ENV: 'production' }).environment,
      'staging',
    );
    t.equal(
      resolveEnvironment({ ...none, NODE_ENV: 'prod', RAILWAY_ENVIRONMENT_NAME: 'staging' })
        .environment,
      'production',
    );
    t.equal(
      resolveEnvironment({ ...none, RAILWAY_ENVIRONMENT_NAME: 'Production' }).environment,
      'production',
    );
  },
);

t.test('unrecognised NODE_ENV is skipped; unrecognised Railway name is staging', async (t) => {
  t.strictSame(resolveEnvironment({ ...none, NODE_ENV: 'ci' }), {
    environment: 'development',
    notes: [
      'NODE_ENV "ci" is not an environment name; ignored',
      'environment development (default: no ENVIRONMENT, NODE_ENV or RAILWAY_ENVIRONMENT_NAME)',
    ],
  });
  t.strictSame(resolveEnvironment({ ...none, NODE_ENV: 'ci', RAILWAY_ENVIRONMENT_NAME: 'pr-7' }), {
    environment: 'staging',
    notes: [
      'NODE_ENV "ci" is not an environment name; ignored',
      'RAILWAY_ENVIRONMENT_NAME "pr-7" is not an environment name; treating it as staging',
    ],
  });
});
