import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

/** One malformed environment: resolving it must fail with a `ConfigError` naming `variable`. */
export interface MalformedEnv {
  /** `<category>: <what is wrong>`, unique. */
  name: string;
  /** The whole environment (production unless the case is about the environment). */
  env: Record<string, string>;
  /** The variable the error must name. */
  variable: string;
  /** Every secret in `env` (passwords raw and percent-encoded, key material): none may be echoed. */
  secrets: string[];
}

let serial = 0;
/** A password no other text of the suite contains; every third has characters URLs must encode. */
function password(): string {
  serial++;
  return serial % 3 === 0 ? `p@ss:w/rd?${serial}#Qz` : `corpus-pw-${serial}-Xq7`;
}

/** Builds a case over a production environment with `REDIS_PASSWORD` set; `pw` is a fresh password for the URL. */
function build(
  name: string,
  variable: string,
  make: (pw: string) => Record<string, string>,
  extraSecrets: string[] = [],
): MalformedEnv {
  const base = password();
  const pw = password();
  const env = { ENVIRONMENT: 'production', REDIS_PASSWORD: base, ...make(encodeURIComponent(pw)) };
  const secrets = [base, pw, encodeURIComponent(pw), ...extraSecrets];
  return { name, env, variable, secrets: [...new Set(secrets)] };
}

/** Bad URLs, each with the password (percent-encoded) where a user would put it. */
const URL_SHAPES: ReadonlyArray<readonly [string, (pw: string) => string]> = [
  ['unknown scheme http:', (pw) => `http://default:${pw}@db.example.com:6379`],
  ['unknown scheme mysql:', (pw) => `mysql://app:${pw}@db.example.com/0`],
  ['no scheme', (pw) => `app:${pw}@db.example.com:6379`],
  ['scheme-relative', (pw) => `//app:${pw}@db.example.com:6379`],
  ['port not a number', (pw) => `redis://app:${pw}@db.example.com:notaport`],
  ['port 0', (pw) => `redis://app:${pw}@db.example.com:0`],
  ['port 65536', (pw) => `rediss://app:${pw}@db.example.com:65536`],
  ['negative port', (pw) => `redis://app:${pw}@db.example.com:-1`],
  ['fullwidth port digits', (pw) => `redis://app:${pw}@db.example.com:６３７９`],
  ['db 16', (pw) => `redis://app:${pw}@db.example.com:6379/16`],
  ['db not a number', (pw) => `redis://app:${pw}@db.example.com:6379/zero`],
  ['db 99 in the query', (pw) => `redis://app:${pw}@db.example.com:6379?db=99`],
  ['password in a query parameter', (pw) => `redis://db.example.com:6379?password=${pw}`],
  ['password in a query parameter of another name', (pw) => `redis://db.example.com:6379?pw=${pw}`],
  ['nothing after @', (pw) => `redis://app:${pw}@`],
  ['host left out, user and password', (pw) => `redis://app:${pw}`],
  ['host left out, password only', (pw) => `redis://:${pw}`],
  ['host with two dots in a row', (pw) => `redis://app:${pw}@db..example.com`],
  ['host with a space', (pw) => `redis://app:${pw}@db example.com:6379`],
  ['unclosed IPv6 bracket', (pw) => `redis://app:${pw}@[2001:db8::1:6379`],
  ['unencoded # in the password', (pw) => `redis://app:${pw}#frag@db.example.com:6379`],
  ['bad percent-encoding', (pw) => `redis://app:${pw}%zz@db.example.com`],
  ['@ after the host', (pw) => `redis://app:${pw}@db.example.com:6379/0@other`],
  ['unix socket on a remote host', (pw) => `unix://app:${pw}@remote.example.com/run/redis.sock`],
  ['unix socket without a path', (pw) => `unix://app:${pw}@localhost`],
  ['junk after the port', (pw) => `redis://app:${pw}@db.example.com:6379 extra`],
];

const OTHER_URL_VARIABLES = [
  'REDIS_PRIVATE_URL',
  'REDIS_TLS_URL',
  'REDIS_PUBLIC_URL',
  'RATE_LIMIT_STORAGE_URL',
  'CACHE_REDIS_URL',
];

function urlCases(): MalformedEnv[] {
  const all = URL_SHAPES.map(([what, url]) =>
    build(`url: REDIS_URL ${what}`, 'REDIS_URL', (pw) => ({ REDIS_URL: url(pw) })),
  );
  // Each other URL variable gets 5 of the shapes, so that together they cover all of them.
  OTHER_URL_VARIABLES.forEach((variable, v) => {
    for (let i = 0; i < 5; i++) {
      const [what, url] = URL_SHAPES[(v * 5 + i) % URL_SHAPES.length] as (typeof URL_SHAPES)[0];
      all.push(build(`url: ${variable} ${what}`, variable, (pw) => ({ [variable]: url(pw) })));
    }
  });
  return all;
}

/** `variable` set to each of `values`, next to a password. */
function valueCases(category: string, variable: string, values: readonly string[]): MalformedEnv[] {
  return values.map((value) =>
    build(`${category}: ${variable}=${JSON.stringify(value)}`, variable, (pw) => ({
      REDIS_URL: `redis://app:${pw}@db.example.com:6379/0`,
      [variable]: value,
    })),
  );
}

const BAD_PORTS = [
  'notaport',
  '0',
  '65536',
  '-1',
  '6379.5',
  '0x18EB',
  '1e3',
  '６３７９',
  '63\u200b79',
  '6379abc',
];
const BAD_BOOLEANS = ['maybe', '2', 'truee', 'enabled'];

function numberCases(): MalformedEnv[] {
  // REDIS_PORT only counts without a URL: the REDIS_HOST group, password in REDIS_PASSWORD.
  const port = BAD_PORTS.map((value) =>
    build(`port: REDIS_PORT=${JSON.stringify(value)}`, 'REDIS_PORT', () => ({
      REDIS_HOST: 'db.example.com',
      REDIS_PORT: value,
    })),
  );
  const railway = BAD_PORTS.map((value) =>
    build(`port: REDISPORT=${JSON.stringify(value)}`, 'REDISPORT', (pw) => ({
      REDISHOST: 'redis.railway.internal',
      REDISPORT: value,
      REDISPASSWORD: decodeURIComponent(pw),
    })),
  );
  return [
    ...port,
    ...railway,
    ...valueCases('number', 'REDIS_DB', ['16', '-1', 'one', '1.0', '99999999999999999999']),
    ...valueCases('number', 'REDIS_CONNECTION_POOL_SIZE', ['0', '257', 'many', '1.5']),
    ...valueCases('number', 'REDIS_CONNECT_TIMEOUT_MS', ['0', '-5', '2147483648', '5s']),
    ...valueCases('number', 'REDIS_COMMAND_TIMEOUT_MS', ['0', '1e3', 'ten', 'Infinity']),
    ...valueCases('number', 'REDIS_HEALTH_CHECK_INTERVAL_MS', ['-1', 'NaN', '10 000']),
  ];
}

function booleanAndEnumCases(): MalformedEnv[] {
  return [
    ...valueCases('boolean', 'REDIS_SSL_ENABLED', BAD_BOOLEANS),
    ...valueCases('boolean', 'REDIS_TLS_REJECT_UNAUTHORIZED', BAD_BOOLEANS),
    ...valueCases('boolean', 'REDIS_TLS_ALLOW_INSECURE', BAD_BOOLEANS),
    ...valueCases('boolean', 'REDIS_RETRY_ON_TIMEOUT', BAD_BOOLEANS),
    ...valueCases('enum', 'ENVIRONMENT', ['prodution', 'live', 'production;rm -rf /']),
    ...valueCases('enum', 'REDIS_FALLBACK', ['disk', 'none', 'true']),
  ];
}

function hostCases(): MalformedEnv[] {
  const hosts = (pw: string) => [
    `app:${pw}@db.example.com`,
    `redis://:${pw}@db.example.com`,
    'db..example.com',
    '-db.example.com',
    '[::1',
    'db example.com',
  ];
  const count = hosts('').length;
  const all: MalformedEnv[] = [];
  for (let i = 0; i < count; i++) {
    all.push(
      build(`host: REDIS_HOST #${i + 1}`, 'REDIS_HOST', (pw) => ({
        REDIS_HOST: hosts(pw)[i] as string,
      })),
      build(`host: REDISHOST #${i + 1}`, 'REDISHOST', (pw) => ({
        REDISHOST: hosts(pw)[i] as string,
        REDISPASSWORD: decodeURIComponent(pw),
      })),
    );
  }
  return all;
}

function topologyCases(): MalformedEnv[] {
  const sentinels = (pw: string) => [
    's1:notaport',
    's1:26379,,s2',
    ':26379',
    '[::1:26379',
    's1:0',
    `app:${pw}@s1:26379`,
    '2001:db8::1:26379',
    's1:26379;s2:26379',
  ];
  const nodes = (pw: string) => [
    'n1:notaport',
    'n1:6379,,n2',
    `:${pw}@n1:6379`,
    'n1:70000',
    'n1 n2',
  ];
  const aliases = ['redis', 'redis=', '=10.0.0.5', 'a=b=c', 'redis=bad host'];
  const sentinelPassword = password();
  return [
    ...sentinels('').map((_, i) =>
      build(
        `sentinel: REDIS_SENTINELS #${i + 1}`,
        'REDIS_SENTINELS',
        (pw) => ({
          REDIS_URL: `redis://app:${pw}@db.example.com:6379/0`,
          REDIS_SENTINELS: sentinels(pw)[i] as string,
          REDIS_SENTINEL_PASSWORD: sentinelPassword,
        }),
        [sentinelPassword],
      ),
    ),
    ...nodes('').map((_, i) =>
      build(`cluster: REDIS_CLUSTER_NODES #${i + 1}`, 'REDIS_CLUSTER_NODES', (pw) => ({
        REDIS_CLUSTER_NODES: nodes(pw)[i] as string,
      })),
    ),
    ...valueCases('alias', 'REDIS_HOST_ALIASES', aliases),
  ];
}

function conflictCases(): MalformedEnv[] {
  const url = (pw: string, db = 0) => `rediss://app:${pw}@db.example.com:6380/${db}`;
  return [
    build('conflict: sentinels and cluster nodes', 'REDIS_CLUSTER_NODES', (pw) => ({
      REDIS_URL: url(pw),
      REDIS_SENTINELS: 's1:26379,s2:26379',
      REDIS_CLUSTER_NODES: 'n1:6379,n2:6379',
    })),
    build('conflict: db 3 in the URL in cluster mode', 'REDIS_URL', (pw) => ({
      REDIS_URL: url(pw, 3),
      REDIS_CLUSTER_NODES: 'n1:6379',
    })),
    build('conflict: REDIS_DB=2 in cluster mode', 'REDIS_DB', () => ({
      REDIS_HOST: 'db.example.com',
      REDIS_DB: '2',
      REDIS_CLUSTER_NODES: 'n1:6379',
    })),
    build('conflict: unverified TLS in production', 'REDIS_TLS_REJECT_UNAUTHORIZED', (pw) => ({
      REDIS_URL: url(pw),
      REDIS_TLS_REJECT_UNAUTHORIZED: 'false',
    })),
    build(
      'conflict: unverified TLS in production, insecure explicitly not allowed',
      'REDIS_TLS_REJECT_UNAUTHORIZED',
      (pw) => ({
        REDIS_URL: url(pw),
        REDIS_TLS_REJECT_UNAUTHORIZED: 'no',
        REDIS_TLS_ALLOW_INSECURE: 'false',
      }),
    ),
    build(
      'conflict: unverified TLS with NODE_ENV=production (Heroku)',
      'REDIS_TLS_REJECT_UNAUTHORIZED',
      (pw) => ({
        ENVIRONMENT: '',
        NODE_ENV: 'production',
        DYNO: 'web.1',
        REDIS_TLS_URL: url(pw),
        REDIS_TLS_REJECT_UNAUTHORIZED: '0',
      }),
    ),
    build(
      'conflict: unverified TLS on Railway production',
      'REDIS_TLS_REJECT_UNAUTHORIZED',
      (pw) => ({
        ENVIRONMENT: '',
        RAILWAY_ENVIRONMENT_NAME: 'production',
        REDISHOST: 'redis.railway.internal',
        REDISPASSWORD: decodeURIComponent(pw),
        REDIS_SSL_ENABLED: 'true',
        REDIS_TLS_REJECT_UNAUTHORIZED: 'off',
      }),
    ),
  ];
}

/** Key material pasted without its `-----BEGIN` line: taken for a path, and never echoed. */
function keyBody(lines: number): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const line = (n: number) =>
    Array.from({ length: 64 }, (_, i) => chars[(n * 31 + i * 7 + serial) % 64]).join('');
  return Array.from({ length: lines }, (_, n) => `MIG${line(n)}`).join('\\n');
}

/** `body` in PEM armour, its line breaks as `\\n` escapes (as in an environment variable). */
function pem(label: string, body: string): string {
  return `-----BEGIN ${label}-----\\n${body}\\n-----END ${label}-----`;
}

function tlsCases(): MalformedEnv[] {
  const noPem = fileURLToPath(new URL('../../package.json', import.meta.url));
  const files: ReadonlyArray<readonly [string, string]> = [
    ['missing file', '/nonexistent/redis-infra/tls.pem'],
    ['a directory', tmpdir()],
    ['a file without a PEM block', noPem],
  ];
  const all: MalformedEnv[] = [];
  for (const variable of ['REDIS_TLS_CA', 'REDIS_TLS_CERT', 'REDIS_TLS_KEY']) {
    for (const [what, path] of files) {
      all.push(
        build(`tls: ${variable} ${what}`, variable, (pw) => ({
          REDIS_URL: `rediss://app:${pw}@db.example.com:6380/0`,
          [variable]: path,
        })),
      );
    }
  }
  const bodies: ReadonlyArray<readonly [string, string]> = [
    ['key body without its BEGIN line', keyBody(3)],
    ['key body and END line without BEGIN', `${keyBody(2)}\\n-----END PRIVATE KEY-----`],
    ['a 6 KB key body (name too long for a path)', keyBody(90)],
    ['a corrupt key in PEM armour', pem('PRIVATE KEY', keyBody(2))],
  ];
  const keyCases: Array<readonly [string, string, string]> = bodies.map(([what, key]) => [
    'REDIS_TLS_KEY',
    what,
    key,
  ]);
  // A key in the CA variable: not a certificate, and shown no more than in its own.
  keyCases.push(['REDIS_TLS_CA', 'holding a private key', pem('PRIVATE KEY', keyBody(3))]);
  for (const [variable, what, key] of keyCases) {
    all.push(
      build(
        `tls: ${variable} ${what}`,
        variable,
        (pw) => ({
          REDIS_URL: `rediss://app:${pw}@db.example.com:6380/0`,
          [variable]: key,
        }),
        [key, ...key.split('\\n').filter((line) => line.startsWith('MIG'))],
      ),
    );
  }
  return all;
}

/**
 * The corpus: bad URLs in every URL variable, bad ports, numbers, booleans and enums,
 * bad hosts, sentinel, cluster and alias lists, conflicting variables and bad TLS settings,
 * each next to a password (in `REDIS_PASSWORD`, in a URL, or both).
 */
export const MALFORMED: readonly MalformedEnv[] = [
  ...urlCases(),
  ...numberCases(),
  ...booleanAndEnumCases(),
  ...hostCases(),
  ...topologyCases(),
  ...conflictCases(),
  ...tlsCases(),
];
