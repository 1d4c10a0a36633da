import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { resolveConfig } from '../src/index.js';
import { loadPem } from '../src/tls.js';
import { CERTIFICATE, escaped, PRIVATE_KEY } from './fixtures/pem.js';

const PEM = `${CERTIFICATE}\n`;
const ACCEPTS = 'PEM text (containing -----BEGIN) or a path to a readable PEM file';

async function tempDir(t: { teardown: (fn: () => unknown) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'config-resolver-tls-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('PEM text is used as is, with \\n escapes expanded', async (t) => {
  const value = escaped(CERTIFICATE);
  const result = await loadPem([{ value, source: 'REDIS_TLS_CA', kind: 'certificate' }]);
  t.strictSame([...result.pem], [[value, CERTIFICATE]]);
  t.strictSame(result.problems, []);
});

t.test(
  'files are read once per value; missing, unreadable and non-PEM files are problems',
  async (t) => {
    const dir = await tempDir(t);
    const ca = join(dir, 'ca.pem');
    const notPem = join(dir, 'notes.txt');
    const folder = join(dir, 'folder');
    await writeFile(ca, PEM);
    await writeFile(notPem, 'hello');
    await mkdir(folder);
    const result = await loadPem([
      { value: ca, source: 'REDIS_TLS_CA', kind: 'certificate' },
      { value: ca, source: 'options.roles.cache.tlsCa', kind: 'certificate' },
      { value: notPem, source: 'REDIS_TLS_CERT', kind: 'certificate' },
      { value: folder, source: 'REDIS_TLS_KEY', kind: 'key' },
      { value: folder, source: 'REDIS_TLS_KEY', kind: 'key' },
      { value: join(dir, 'missing.pem'), source: 'options.tlsCa', kind: 'certificate' },
    ]);
    t.equal(result.pem.get(ca), PEM);
    t.strictSame(result.problems, [
      {
        variable: 'REDIS_TLS_CERT',
        message: `got ${JSON.stringify(notPem)}, expected ${ACCEPTS} (the file has no PEM block)`,
      },
      {
        variable: 'REDIS_TLS_KEY',
        message: `got [redacted], expected ${ACCEPTS} (cannot read the file: EISDIR)`,
      },
      {
        variable: 'options.tlsCa',
        message: `got ${JSON.stringify(join(dir, 'missing.pem'))}, expected ${ACCEPTS} (cannot read the file: ENOENT)`,
      },
    ]);
  },
);

t.test('resolveConfig loads CA, certificate and key files into ioredis tls options', async (t) => {
  const dir = await tempDir(t);
  const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  await writeFile(files.ca, PEM);
  await writeFile(files.cert, PEM);
  await writeFile(files.key, PRIVATE_KEY);
  const config = await resolveConfig({
    env: {
      REDIS_URL: 'rediss://db.example.com:6380',
      REDIS_TLS_CA: files.ca,
      REDIS_TLS_CERT: files.cert,
      REDIS_TLS_KEY: files.key,
    },
    exists: () => false,
  });
  t.strictSame(config.roles.main.redis.tls, {
    ca: PEM,
    cert: PEM,
    key: PRIVATE_KEY,
    servername: 'db.example.com',
    rejectUnauthorized: true,
  });
  t.equal(config.redacted().roles.main.redis.tls?.key, '[redacted]');
});

t.test(
  'a certificate or key Node cannot read is a problem at start-up, the key never shown',
  async (t) => {
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ';
    const corruptKey = `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`;
    const result = await loadPem([
      { value: corruptKey, source: 'REDIS_TLS_KEY', kind: 'key' },
      { value: PRIVATE_KEY, source: 'REDIS_TLS_CA', kind: 'certificate' },
      { value: CERTIFICATE, source: 'REDIS_TLS_CERT', kind: 'key' },
    ]);
    t.strictSame([...result.pem.keys()], []);
    t.match(result.problems, [
      {
        variable: 'REDIS_TLS_KEY',
        message: /^got \[redacted\], expected .* \(not a private key Node can read: .+\)$/,
      },
      { variable: 'REDIS_TLS_CA', message: /\(not a certificate Node can read: .+\)$/ },
      { variable: 'REDIS_TLS_CERT', message: /\(not a private key Node can read: .+\)$/ },
    ]);
    t.notMatch(JSON.stringify(result.problems), body);
    t.notMatch(
      JSON.stringify(result.problems),
      PRIVATE_KEY.split('\n')[1] as string,
      'a key in the CA variable is not shown either',
    );
    await t.rejects(
      resolveConfig({ env: { REDIS_URL: 'rediss://db.example.com', REDIS_TLS_KEY: corruptKey } }),
      { code: 'E_INVALID_CONFIG', problems: [{ variable: 'REDIS_TLS_KEY' }] },
    );
  },
);
