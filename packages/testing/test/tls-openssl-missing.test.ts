import t from 'tap';
import { tlsFiles } from '../src/tls.js';

t.test('without the openssl CLI, TLS says what is missing; with it back, it works', async (t) => {
  const path = process.env.PATH;
  t.teardown(() => {
    process.env.PATH = path;
  });
  process.env.PATH = '';
  await t.rejects(tlsFiles(), { code: 'E_OPENSSL', message: /`openssl` CLI failed; install it/ });
  process.env.PATH = path;
  t.match((await tlsFiles()).ca, /BEGIN CERTIFICATE/);
});
