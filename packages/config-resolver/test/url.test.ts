import t from 'tap';
import { parseRedisUrl } from '../src/url.js';

t.test('parses redis, rediss and unix URLs', async (t) => {
  t.strictSame(parseRedisUrl('redis://h'), { ok: true, url: { host: 'h', tls: false } });
  t.strictSame(parseRedisUrl('RediSS://U%3Ax:p%2Fw@H.example.com:6380/15'), {
    ok: true,
    url: { username: 'U:x', password: 'p/w', db: 15, host: 'h.example.com', port: 6380, tls: true },
  });
  t.strictSame(parseRedisUrl('redis://[2001:DB8::1]/'), {
    ok: true,
    url: { host: '2001:db8::1', tls: false },
  });
  t.strictSame(parseRedisUrl('redis://h/2?db=3'), {
    ok: true,
    url: { db: 2, host: 'h', tls: false },
  });
  t.strictSame(parseRedisUrl('unix:///tmp/my%20redis.sock?db=1'), {
    ok: true,
    url: { db: 1, path: '/tmp/my redis.sock', tls: false },
  });
  t.strictSame(parseRedisUrl('unix://localhost/run/r.sock'), {
    ok: true,
    url: { path: '/run/r.sock', tls: false },
  });
});

t.test('failure reasons never contain the input', async (t) => {
  const reasons: [string, string][] = [
    ['db.example.com:6379', 'unknown scheme "db.example.com:"'],
    ['/just/a/path', 'it has no scheme'],
    ['redis://h:99999', 'it is not a valid URL; check the port and percent-encode the password'],
    [
      'redis://h:6379/0#x@y',
      '"@" after the host: percent-encode @ : / ? # in the username and password',
    ],
    ['redis://h/%E2', 'invalid percent-encoding (write % as %25)'],
    ['redis://h?ssl=true', 'unsupported query parameter "ssl"; only db is supported'],
    ['redis://h/16', 'the database is not an integer in 0..15'],
    ['unix:///tmp/r.sock?db=x', 'the database is not an integer in 0..15'],
    ['unix:relative.sock', 'a unix socket URL looks like unix:///path/to/redis.sock?db=0'],
    ['unix:///', 'a unix socket URL looks like unix:///path/to/redis.sock?db=0'],
    ['redis://:pw@/0', 'it is not a valid URL; check the port and percent-encode the password'],
    ['rediss://', 'it has no host'],
    ['redis://rédis', 'the host is not a hostname or IP address'],
    ['redis://h:0', 'the port is not an integer in 1..65535'],
  ];
  for (const [input, reason] of reasons)
    t.strictSame(parseRedisUrl(input), { ok: false, reason }, input);
});
