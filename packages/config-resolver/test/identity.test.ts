import t from 'tap';
import { hostPort, shareKeyOf, userPart } from '../src/identity.js';

t.test('hostPort brackets IPv6', async (t) => {
  t.equal(hostPort({ host: 'redis', port: 1 }), 'redis:1');
  t.equal(hostPort({ host: '::1', port: 2 }), '[::1]:2');
  t.equal(hostPort({ host: '10.0.0.1', port: 3 }), '10.0.0.1:3');
});

t.test('userPart percent-encodes', async (t) => {
  t.equal(userPart(undefined), '');
  t.equal(userPart('a@b'), 'a%40b@');
});

t.test(
  'shareKeyOf: stable within the process, differs with any setting, hides secrets',
  async (t) => {
    const a = shareKeyOf('redis://h:1/0', { password: 'one' });
    t.equal(a, shareKeyOf('redis://h:1/0', { password: 'one' }));
    t.not(a, shareKeyOf('redis://h:1/0', { password: 'two' }));
    t.match(a, /^redis:\/\/h:1\/0#[0-9a-f]{16}$/);
    t.notMatch(a, /one/);
  },
);
