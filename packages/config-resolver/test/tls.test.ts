import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { resolveConfig } from '../src/index.js';
import { loadPem } from '../src/tls.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const ACCEPTS = 'PEM text (containing -----BEGIN) or a path to a readable PEM file';

async function tempDir(t: { teardown: (fn: () => unknown) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'config-resolver-tls-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('PEM text is used as is, with \\n escapes expanded', async (t) => {
  const result = await loadPem([{ value: 'x-----BEGIN a\\nb', source: 'REDIS_TLS_CA' }]);
  t.strictSame([...result.pem], [['x-----BEGIN a\\nb', 'x-----BEGIN a\nb']]);
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
      { value: ca, source: 'REDIS_TLS_CA' },
      { value: ca, source: 'options.roles.cache.tlsCa' },
      { value: notPem, source: 'REDIS_TLS_CERT' },
      { value: folder, source: 'REDIS_TLS_KEY' },
      { value: folder, source: 'REDIS_TLS_KEY' },
      { value: join(dir, 'missing.pem'), source: 'options.tlsCa' },
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
  await writeFile(files.cert, PEM.replace('MIIBfake', 'CERT'));
  await writeFile(files.key, '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n');
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
    cert: PEM.replace('MIIBfake', 'CERT'),
    key: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n',
    servername: 'db.example.com',
    rejectUnauthorized: true,
  });
  t.equal(config.redacted().roles.main.redis.tls?.key, '[redacted]');
});
