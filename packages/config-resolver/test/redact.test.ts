import t from 'tap';
import {
  ConfigError,
  REDACTED,
  redact,
  redactText,
  redactUrl,
  resolveConfig,
} from '../src/index.js';

t.test('redactUrl hides the password of parsable and unparsable URLs', async (t) => {
  const cases: [string, string][] = [
    ['redis://u:s3cret@host:6379/0', 'redis://u:[redacted]@host:6379/0'],
    ['redis://u:s3cret@host:notaport', 'redis://u:[redacted]@host:notaport'],
    ['REDISS://:pw@host', 'REDISS://:[redacted]@host'],
    ['redis://u:p@ss/w?rd#x@host', 'redis://u:[redacted]@host'],
    ['default:s3cret@host:6379', 'default:[redacted]@host:6379'],
    ['u:a://b@host', 'u:[redacted]@host'],
    ['redis://user@host', 'redis://user@host'],
    ['redis://host:6379/0', 'redis://host:6379/0'],
    [
      'redis://host/0?password=x&db=1&token=y&pw=z',
      'redis://host/0?password=[redacted]&db=1&token=[redacted]&pw=[redacted]',
    ],
    ['', ''],
    // No `@`: a password typed where the host should be (the host was left out).
    ['redis://:s3cret', 'redis://:[redacted]'],
    ['redis://default:s3cret', 'redis://default:[redacted]'],
    ['rediss://u:pa/ss?x#y', 'rediss://u:[redacted]'],
    ['redis://:123456', 'redis://:[redacted]'],
    ['redis://host:notaport/0', 'redis://host:[redacted]'],
    ['redis://[::1', 'redis://[:[redacted]'],
    // ...but a host and port are kept, also when they are out of range.
    ['redis://host:6379', 'redis://host:6379'],
    ['redis://db.example.com:65536/0', 'redis://db.example.com:65536/0'],
    ['rediss://[::1]:6380/1', 'rediss://[::1]:6380/1'],
    ['redis://[::1]', 'redis://[::1]'],
    ['unix:///tmp/a:b.sock', 'unix:///tmp/a:b.sock'],
    [
      'sentinel://[::1]:26379,10.0.0.1:5000/mymaster/0',
      'sentinel://[::1]:26379,10.0.0.1:5000/mymaster/0',
    ],
    ['clusters://h1:7000,h2', 'clusters://h1:7000,h2'],
    ['sentinel://h1:26379,h2:pw', 'sentinel://h1:[redacted]'],
    ['host:notaport', 'host:notaport'],
  ];
  for (const [input, expected] of cases) t.equal(redactUrl(input), expected, input);
});

t.test(
  'redactText redacts URLs in free text and listed secrets, also percent-encoded',
  async (t) => {
    t.equal(
      redactText('connect to redis://u:pw@h:1 failed; rediss://x@y ok'),
      'connect to redis://u:[redacted]@h:1 failed; rediss://x@y ok',
    );
    t.equal(
      redactText('AUTH p@ss! failed (p%40ss!)', { secrets: ['p@ss!', ''] }),
      'AUTH [redacted] failed ([redacted])',
    );
    t.equal(redactText('nothing here'), 'nothing here');
  },
);

t.test('redact makes a JSON-safe copy with secrets replaced', async (t) => {
  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = circular;
  const shared = { host: 'h' };
  const error = Object.assign(new Error('failed at redis://u:pw@h'), {
    code: 'E_X',
    password: 'pw',
  });
  const input = {
    password: 'pw',
    sentinelPassword: 'spw',
    tls: { key: 'KEY', ca: 'CA', passphrase: 'pp' },
    apiKey: 'k',
    token: undefined,
    keyPrefix: 'app:',
    shareKey: 'redis://h:1/0#abc',
    url: 'redis://u:pw@h:1',
    list: [1, 'two', undefined, () => 3, Number.NaN, Number.POSITIVE_INFINITY],
    big: 10n,
    when: new Date('2024-01-02T03:04:05.000Z'),
    invalid: new Date(Number.NaN),
    bytes: Buffer.from('secret'),
    fn: () => 1,
    sym: Symbol('s'),
    nothing: null,
    yes: true,
    circular,
    a: shared,
    b: shared,
    error,
  };
  t.strictSame(redact(input), {
    password: REDACTED,
    sentinelPassword: REDACTED,
    tls: { key: REDACTED, ca: 'CA', passphrase: REDACTED },
    apiKey: REDACTED,
    keyPrefix: 'app:',
    shareKey: 'redis://h:1/0#abc',
    url: 'redis://u:[redacted]@h:1',
    list: [1, 'two', null, null, null, null],
    big: '10',
    when: '2024-01-02T03:04:05.000Z',
    invalid: null,
    bytes: '[binary]',
    nothing: null,
    yes: true,
    circular: { name: 'loop', self: '[circular]' },
    a: { host: 'h' },
    b: { host: 'h' },
    error: {
      name: 'Error',
      message: 'failed at redis://u:[redacted]@h',
      code: 'E_X',
      password: REDACTED,
    },
  });
  t.equal(redact('redis://u:pw@h', { secrets: ['nope'] }), 'redis://u:[redacted]@h');
  t.equal(redact(undefined), null);
  t.equal(redact('AUTH hunter2', { secrets: ['hunter2'] }), 'AUTH [redacted]');
});

// ── property: no output ever contains a password ─────────────────────────────

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...'@:/#?%&=+!$*()[]{};,.~-_\'"\\ ',
  ...'äöüßéèçñ漢字日本語Ωπ✓',
  '🔑',
  '🦀',
  '%40',
  '%2F',
  '%3A',
  '%E2%9C%93',
];

function passwords(count: number): string[] {
  const random = prng(20240601);
  const out: string[] = [];
  while (out.length < count) {
    const length = 10 + Math.floor(random() * 14);
    let password = '';
    while ([...password].length < length)
      password += ALPHABET[Math.floor(random() * ALPHABET.length)];
    password = password.trim();
    if (password.length >= 10) out.push(password);
  }
  return out;
}

type Outcome = { texts: string[]; resolved: boolean };

async function outcome(input: Parameters<typeof resolveConfig>[0]): Promise<Outcome> {
  try {
    const config = await resolveConfig({
      lookup: async () => undefined,
      exists: () => false,
      ...input,
    });
    return {
      texts: [JSON.stringify(config.redacted()), ...config.notes, JSON.stringify(config.notes)],
      resolved: true,
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      texts: [error.message, JSON.stringify(error.problems), String(error)],
      resolved: false,
    };
  }
}

t.test('no redacted config, note or error message ever contains the password', async (t) => {
  const all = passwords(150);
  let resolved = 0;
  let rejected = 0;
  for (const password of all) {
    const encoded = encodeURIComponent(password);
    const scenarios: [string, Parameters<typeof resolveConfig>[0]][] = [
      [
        'REDIS_PASSWORD',
        { env: { REDIS_URL: 'redis://app@db.example.com', REDIS_PASSWORD: password } },
      ],
      ['encoded URL', { env: { REDIS_URL: `redis://app:${encoded}@db.example.com:6379/1` } }],
      ['raw URL', { env: { REDIS_URL: `redis://app:${password}@db.example.com:6379/1` } }],
      [
        'raw rediss URL, no user',
        { env: { REDIS_TLS_URL: `rediss://:${password}@db.example.com` } },
      ],
      ['unparsable URL', { env: { REDIS_URL: `redis://u:${encoded}@host:notaport` } }],
      ['unparsable raw URL', { env: { CACHE_REDIS_URL: `redis://u:${password}@host:99999/x` } }],
      ['URL without scheme', { env: { REDIS_URL: `u:${password}@host:6379` } }],
      [
        'other problems around a valid password',
        {
          env: {
            REDIS_URL: `redis://u:${encoded}@db.example.com`,
            REDIS_PORT: 'x',
            REDIS_DB: '99',
          },
        },
      ],
      [
        'sentinel password',
        {
          env: {
            REDIS_SENTINELS: 's1.example.com,sentinel',
            REDIS_SENTINEL_PASSWORD: password,
            REDIS_PASSWORD: password,
          },
        },
      ],
      [
        'Railway REDISPASSWORD',
        {
          env: {
            REDISHOST: 'redis',
            REDISPASSWORD: password,
            RATE_LIMIT_STORAGE_URL: `redis://:${encoded}@limits`,
          },
        },
      ],
      [
        'options',
        {
          options: {
            password,
            sentinelPassword: password,
            url: `rediss://u:${encoded}@h.example.com`,
          },
        },
      ],
      [
        'option of the wrong type beside it',
        { options: { password, port: 0, roles: { cache: { password, db: 77 } } } },
      ],
      [
        'TLS key as a path',
        { env: { REDIS_URL: 'rediss://db.example.com', REDIS_TLS_KEY: password } },
      ],
      [
        'TLS key as an option',
        { options: { tls: true, tlsKey: password, roles: { x: { tlsKey: password } } } },
      ],
      [
        'password as a role option',
        { options: { roles: { jobs: { password, url: `redis://:${encoded}@jobs` } } } },
      ],
    ];
    for (const [name, input] of scenarios) {
      const result = await outcome(input);
      if (result.resolved) resolved++;
      else rejected++;
      for (const text of result.texts) {
        if (text.includes(password) || text.includes(encoded)) {
          t.fail(`${name}: output contains the password ${JSON.stringify(password)}`, { text });
        }
      }
    }
  }
  t.ok(resolved > 500, `${resolved} resolved configs checked`);
  t.ok(rejected > 500, `${rejected} ConfigErrors checked`);
});

t.test('valid encoded passwords decode back exactly', async (t) => {
  for (const password of passwords(50)) {
    const config = await resolveConfig({
      env: { REDIS_URL: `redis://app:${encodeURIComponent(password)}@db.example.com` },
      exists: () => false,
    });
    t.equal(config.roles.main.redis.password, password);
  }
});
