import t from 'tap';
import {
  aliasListText,
  aliasRecord,
  boolText,
  connectionName,
  environmentText,
  fallbackText,
  hostSchema,
  intText,
  MAX_MS,
  nodeListArray,
  nodeListText,
  socketPath,
} from '../src/fields.js';

t.test('hostSchema accepts hostnames and IPs, lower-cases, strips IPv6 brackets', async (t) => {
  for (const [input, output] of [
    ['Redis', 'redis'],
    ['my_service-1.svc.cluster.local', 'my_service-1.svc.cluster.local'],
    ['10.0.0.1', '10.0.0.1'],
    ['::1', '::1'],
    ['[::1]', '::1'],
  ]) {
    t.equal(hostSchema.parse(input), output);
  }
  for (const bad of ['', 'a b', 'redis:6379', '[redis]', 'a..b', '-a', 'a-', 'h/x', '[::1']) {
    t.notOk(hostSchema.safeParse(bad).success, bad);
  }
});

t.test('intText', async (t) => {
  const port = intText(1, 65535);
  t.equal(port.parse('6379'), 6379);
  t.equal(port.parse('+80'), 80);
  for (const bad of ['0', '65536', '1.5', 'x', '', '1e3'])
    t.notOk(port.safeParse(bad).success, bad);
  t.equal(intText(0, MAX_MS).parse(String(MAX_MS)), MAX_MS);
});

t.test('boolText accepts true/false/1/0/yes/no/on/off in any case', async (t) => {
  for (const yes of ['true', 'TRUE', '1', 'yes', 'Yes', 'on', 'ON'])
    t.equal(boolText.parse(yes), true, yes);
  for (const no of ['false', 'False', '0', 'no', 'NO', 'off', 'Off'])
    t.equal(boolText.parse(no), false, no);
  for (const bad of ['y', 'n', '2', 'enabled', '']) t.notOk(boolText.safeParse(bad).success, bad);
});

t.test('environmentText maps aliases', async (t) => {
  t.equal(environmentText.parse('dev'), 'development');
  t.equal(environmentText.parse('PROD'), 'production');
  t.equal(environmentText.parse('Test'), 'test');
  t.notOk(environmentText.safeParse('qa').success);
  t.equal(fallbackText.parse('MEMORY'), 'memory');
  t.notOk(fallbackText.safeParse('sometimes').success);
});

t.test('node lists', async (t) => {
  t.strictSame(nodeListText(26379).parse('a:1, [::1]:2 ,b'), [
    { host: 'a', port: 1 },
    { host: '::1', port: 2 },
    { host: 'b', port: 26379 },
  ]);
  const bad = nodeListText(6379).safeParse('a:x,,::1,[x]:1');
  t.strictSame(
    bad.error?.issues.map((issue) => [issue.path, issue.message]),
    [
      [[0], 'port is not an integer in 1..65535'],
      [[1], 'host is not a hostname or IP address (IPv6 goes in brackets: [::1]:6379)'],
      [[2], 'host is not a hostname or IP address (IPv6 goes in brackets: [::1]:6379)'],
      [[2], 'port is not an integer in 1..65535'],
      [[3], 'host is not a hostname or IP address (IPv6 goes in brackets: [::1]:6379)'],
    ],
  );
  t.strictSame(nodeListArray(6379).parse([{ host: 'A' }, { host: '[::1]', port: 7000 }]), [
    { host: 'a', port: 6379 },
    { host: '::1', port: 7000 },
  ]);
  t.notOk(nodeListArray(6379).safeParse([{ host: 'a', extra: 1 }]).success);
});

t.test('aliases', async (t) => {
  t.strictSame(aliasListText.parse('Redis = localhost,cache=[::1]'), [
    ['redis', 'localhost'],
    ['cache', '::1'],
  ]);
  for (const bad of ['redis', 'redis=', '=x', 'a=b c'])
    t.notOk(aliasListText.safeParse(bad).success, bad);
  t.strictSame(aliasRecord.parse({ Redis: '10.0.0.1' }), [['redis', '10.0.0.1']]);
  t.notOk(aliasRecord.safeParse({ 'bad host': 'x' }).success);
});

t.test('socket path and connection name', async (t) => {
  t.ok(socketPath.safeParse('/tmp/r.sock').success);
  t.notOk(socketPath.safeParse('tmp/r.sock').success);
  t.notOk(socketPath.safeParse('/').success);
  t.ok(connectionName.safeParse('api-1').success);
  t.notOk(connectionName.safeParse('api 1').success);
});
