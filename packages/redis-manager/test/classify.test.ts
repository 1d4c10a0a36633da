import { resolveConfig } from '@redis-infra/config-resolver';
import t from 'tap';
import {
  classifyConnectError,
  isAvailabilityFailure,
  redactedMessage,
  secretsOf,
} from '../src/classify.js';

const error = (message: string, code?: string) =>
  Object.assign(new Error(message), code ? { code } : {});
const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });

t.test('connect failures are classified by code and message', async (t) => {
  t.equal(
    classifyConnectError(error('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')),
    'refused',
  );
  t.equal(classifyConnectError(error('getaddrinfo ENOTFOUND redis', 'ENOTFOUND')), 'not-found');
  t.equal(classifyConnectError(error('getaddrinfo EAI_AGAIN redis', 'EAI_AGAIN')), 'not-found');
  t.equal(classifyConnectError(reply('WRONGPASS invalid username-password pair')), 'auth');
  t.equal(classifyConnectError(reply('NOAUTH Authentication required.')), 'auth');
  t.equal(
    classifyConnectError(
      error('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'),
    ),
    'tls',
  );
  t.equal(classifyConnectError(error('connect ETIMEDOUT', 'ETIMEDOUT')), 'timeout');
  t.equal(classifyConnectError(error('Command timed out')), 'timeout');
  t.equal(classifyConnectError(error('something else')), 'unknown');
  t.equal(classifyConnectError(undefined), 'unknown');
  t.equal(classifyConnectError('a string'), 'unknown');
});

t.test('only availability failures count against the breaker', async (t) => {
  t.equal(isAvailabilityFailure(error('Connection is closed.')), true);
  t.equal(isAvailabilityFailure(error('Command timed out')), true);
  t.equal(
    isAvailabilityFailure(
      reply('WRONGTYPE Operation against a key holding the wrong kind of value'),
    ),
    false,
  );
  t.equal(isAvailabilityFailure(reply('ERR Error running script')), false);
  for (const prefix of ['LOADING', 'READONLY', 'CLUSTERDOWN', 'MASTERDOWN', 'TRYAGAIN', 'BUSY']) {
    t.equal(isAvailabilityFailure(reply(`${prefix} something`)), true, prefix);
  }
  t.equal(isAvailabilityFailure(null), true);
});

t.test('messages lose every secret of the role', async (t) => {
  const config = await resolveConfig({
    env: { ENVIRONMENT: 'production' },
    options: {
      url: 'redis://user:url-pass@example.com:6380',
      password: 'p@ss',
      sentinels: [{ host: 'a', port: 1 }],
      sentinelPassword: 's-pass',
    },
  });
  const role = config.roles.main;
  t.same(secretsOf(role).sort(), ['p@ss', 's-pass']);
  const message = redactedMessage(
    new Error('auth p@ss s-pass to redis://user:p%40ss@example.com:6380'),
    role,
  );
  t.notMatch(message, /p@ss|s-pass|p%40ss/);
  t.match(redactedMessage('plain text', role), 'plain text');
});
