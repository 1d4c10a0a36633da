import t from 'tap';
import { ENV_SHAPE, OPTIONS_SHAPE, parseEnv, parseOptions, ROLE_SHAPE } from '../src/schema.js';

t.test(
  'parseEnv keeps valid values when others are invalid, and ignores other variables',
  async (t) => {
    const { values, problems } = parseEnv({
      REDIS_PORT: '6380',
      REDIS_DB: 'x',
      PATH: '/bin',
      HOME: undefined,
    });
    t.equal(values.REDIS_PORT, 6380);
    t.equal(values.REDIS_DB, undefined);
    t.strictSame(problems, [
      { variable: 'REDIS_DB', message: 'got "x", expected an integer in 0..15' },
    ]);
    t.strictSame(parseEnv({}).problems, []);
  },
);

t.test('parseEnv treats blank values as unset', async (t) => {
  t.equal(parseEnv({ REDIS_PORT: '  ' }).values.REDIS_PORT, undefined);
});

t.test('parseOptions trims strings, treats blanks and empty arrays as unset', async (t) => {
  const { values, problems } = parseOptions({
    host: '  DB.example.com ',
    username: ' ',
    sentinels: [],
  });
  t.strictSame(problems, []);
  t.equal(values.host, 'db.example.com');
  t.equal(values.username, undefined);
  t.equal(values.sentinels, undefined);
});

t.test('parseOptions reports unknown keys, bad roles and bad aliases', async (t) => {
  const { values, problems } = parseOptions({
    poolSize: 3,
    roles: 'nope',
    hostAliases: { 'bad host': 'x' },
    nope: 1,
  } as never);
  t.equal(values.poolSize, 3);
  t.equal(values.roles, undefined);
  t.strictSame(problems, [
    {
      variable: 'options.hostAliases',
      message: 'got {"bad host":"x"}, expected an object of hostname: hostname',
    },
    {
      variable: 'options.roles',
      message:
        'got "nope", expected an object of role options under a name like "sessions" (letters, digits, _ and -)',
    },
    {
      variable: 'options.nope',
      message: `unknown option, expected one of ${Object.keys(OPTIONS_SHAPE).join(', ')}`,
    },
  ]);
});

t.test('every shape field documents what it accepts', async (t) => {
  for (const [name, schema] of [
    ...Object.entries(ENV_SHAPE),
    ...Object.entries(OPTIONS_SHAPE),
    ...Object.entries(ROLE_SHAPE),
  ]) {
    t.ok(schema.description, name);
  }
});
