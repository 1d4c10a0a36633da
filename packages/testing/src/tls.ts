import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { trackDir } from './cleanup.js';
import { TestingError } from './errors.js';

const run = promisify(execFile);

/** Test certificates: a CA, a server certificate for `localhost`/`127.0.0.1`, a client certificate. */
export interface TlsFiles {
  /** Directory holding the PEM files. */
  dir: string;
  /** CA certificate (PEM). */
  ca: string;
  /** Path of the CA certificate. */
  caFile: string;
  /** Path of the server certificate. */
  serverCertFile: string;
  /** Path of the server key. */
  serverKeyFile: string;
  /** Client certificate (PEM), signed by the CA. */
  clientCert: string;
  /** Client key (PEM). */
  clientKey: string;
  /** Path of the client certificate. */
  clientCertFile: string;
  /** Path of the client key. */
  clientKeyFile: string;
}

/** `openssl req` arguments for a new EC P-256 key without a passphrase. */
const NEW_KEY = ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(dir: string, args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd: dir });
  } catch (error) {
    throw new TestingError(
      'E_OPENSSL',
      'making test certificates with the `openssl` CLI failed; install it (`apt-get install openssl`)',
      { cause: error },
    );
  }
}

/** Makes a key and a certificate signed by the CA in `dir`; `name` is the file stem. */
async function signed(
  dir: string,
  name: string,
  subject: string,
  extensions: string,
): Promise<void> {
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(dir, [
    ...NEW_KEY,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
}

/** A self-signed CA (`ca.key`, `ca.crt`) in `dir`. */
function makeCa(dir: string, subject: string): Promise<void> {
  return openssl(dir, [
    ...NEW_KEY,
    '-x509',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    subject,
  ]);
}

async function make(): Promise<TlsFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-infra-tls-'));
  trackDir(dir);
  await makeCa(dir, '/CN=redis-infra test CA');
  await signed(
    dir,
    'server',
    '/CN=localhost',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  await signed(dir, 'client', '/CN=redis-infra test client', 'extendedKeyUsage=clientAuth\n');
  const file = (name: string) => join(dir, name);
  return {
    dir,
    ca: await readFile(file('ca.crt'), 'utf8'),
    caFile: file('ca.crt'),
    serverCertFile: file('server.crt'),
    serverKeyFile: file('server.key'),
    clientCert: await readFile(file('client.crt'), 'utf8'),
    clientKey: await readFile(file('client.key'), 'utf8'),
    clientCertFile: file('client.crt'),
    clientKeyFile: file('client.key'),
  };
}

let made: Promise<TlsFiles> | undefined;

/**
 * Test certificates made with the `openssl` CLI, once per process (EC P-256, valid 2 days).
 * The directory is removed when the process exits.
 */
export function tlsFiles(): Promise<TlsFiles> {
  made ??= make().catch((error: unknown) => {
    made = undefined;
    throw error;
  });
  return made;
}

/**
 * A CA certificate (PEM) that signed nothing `tlsFiles()` holds: a client that trusts only
 * it must refuse the test servers' certificates. Its key is thrown away at once.
 */
export async function foreignCa(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-infra-foreign-ca-'));
  try {
    await makeCa(dir, '/CN=redis-infra foreign CA');
    return await readFile(join(dir, 'ca.crt'), 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
