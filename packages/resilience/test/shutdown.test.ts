import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startRedis, waitFor } from '@redis-infra/testing';
import t from 'tap';
import { type Answer, get } from './harness/http.js';
import { describe, now, type Sample, summarise } from './harness/load.js';
import { ownedLoad } from './harness/probes.js';
import { leakedSecrets, scan, secret } from './harness/secrets.js';

const fixture = fileURLToPath(new URL('./fixtures/shutdown-app.ts', import.meta.url));
const IN_FLIGHT = 5;

/** The lines a stream printed so far. */
function linesOf(stream: Readable): string[] {
  const lines: string[] = [];
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      lines.push(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
    }
  });
  return lines;
}

t.test(
  'close() under load answers the in-flight requests; the process exits by itself',
  async (t) => {
    const redis = await startRedis(t, { password: secret('shutdown-scenario-secret') });
    const child = spawn(
      process.execPath,
      [...process.execArgv, fixture, String(redis.port), redis.connection.password ?? ''],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      child.once('exit', (code) => resolve({ code, at: now() })),
    );
    t.teardown(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const stdout = linesOf(child.stdout);
    const stderr = linesOf(child.stderr);
    scan(() => [...stdout, ...stderr].join('\n'));
    const printed = (line: string) => stdout.filter((l) => l === line).length;

    const url = await waitFor('the app to listen', () => stdout.find((l) => l.startsWith('http')), {
      timeoutMs: 30_000,
    });
    const load = ownedLoad(t, url, { paths: ['/limited', '/cached'], connections: 10 });
    await sleep(500);
    const failed: Answer = { status: 0, headers: {}, body: '' };
    const inFlight = Array.from({ length: IN_FLIGHT }, () => get(url, '/slow').catch(() => failed));
    await waitFor('the slow requests to be in their handler', () => printed('slow') === IN_FLIGHT);

    const closeAt = now();
    child.kill('SIGTERM');
    await waitFor('close() to resolve', () => printed('closed') === 1, { intervalMs: 5 });
    const closedAt = now();
    const samples = await load.stop();
    const exit = await Promise.race([exited, sleep(3_000).then(() => undefined)]);
    const exitMs = exit ? exit.at - closedAt : Number.NaN;
    const answers = await Promise.all(inFlight);

    // Split by when the answer came, not when the request went: a request sent just before
    // SIGTERM on a keep-alive connection can still be unread in the socket when close()
    // closes the idle connections (Node's server.close() does, and the client sees a reset).
    // That race belongs to the close, not to the serving before it.
    const answeredBefore = (s: Sample) => s.at + s.ms < closeAt;
    const before = summarise(samples.filter(answeredBefore));
    const after = summarise(samples.filter((s) => !answeredBefore(s)));
    t.comment(describe('load answered before close()', before));
    t.comment(describe('load answered after close()', after));
    t.comment(
      `in flight: ${answers.map((a) => `${a.status} ${a.body}`).join(', ')}; close() took ` +
        `${(closedAt - closeAt).toFixed(0)} ms, the process exited ${exitMs.toFixed(0)} ms later ` +
        `(code ${exit?.code}); ${stdout.filter((l) => /^(event loop|alive)/.test(l)).join('; ')}`,
    );

    t.same(
      answers.map((a) => a.status),
      Array(IN_FLIGHT).fill(200),
      'every in-flight request was answered 200',
    );
    t.ok(
      answers.every((a) => typeof JSON.parse(a.body || '{}').count === 'number'),
      'each with its Redis reply: Redis stayed open for them',
    );
    t.equal(before.errors, 0, 'no 5xx and no failed request answered before close()');
    t.equal(
      samples.filter((s) => s.status >= 500 && s.status !== 503).length,
      0,
      'after close(): answers, 503s (Fastify turns new requests away) or refused connections only',
    );
    t.same(
      samples.filter((s) => s.status === 0 && s.at < closeAt - 1_000),
      [],
      'no request sent over 1 s before close() went unanswered: only those racing it may fail',
    );
    const emptied = Number(
      /^event loop empty (\d+) ms/m.exec(stdout.join('\n'))?.[1] ?? Number.NaN,
    );
    t.ok(emptied < 1_000, 'its event loop was empty within 1 s of close(): no handle left pending');
    t.equal(exit?.code, 0, 'the process exited by itself, code 0');
    t.same(
      stdout.filter((l) => l.startsWith('alive')),
      [],
      'nothing reported alive after close()',
    );
    t.same(stderr, [], 'nothing on stderr (no unhandled rejection, no warning)');
    t.same(leakedSecrets(), [], 'no secret in any captured output');
  },
);
