/**
 * Child-process entry of the outage suite's load: `node load-child.js <url> <connections>
 * <timeout-ms>`, forked with `serialization: 'advanced'`. Keeps `connections` keep-alive
 * connections busy, each sending its next GET when the last one is answered, and records
 * every request: when it was sent (ms since the epoch, sub-millisecond), how long it took
 * and how it ended (plus the first few failures' bodies). Sends `{ started: true }` once running; on `{ stop: true }` it stops
 * sending, waits for the requests in flight (each ends within the timeout) and sends
 * `{ samples }`. Exits when its parent goes away.
 */
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERROR, type Samples, TIMEOUT } from './samples.js';

const [url = '', connections = '', timeout = ''] = process.argv.slice(2);
if (!url.startsWith('http://') || !/^\d+$/.test(connections) || !/^\d+$/.test(timeout)) {
  console.error('usage: load-child.js <url> <connections> <timeout-ms>');
  process.exit(2);
}
const timeoutMs = Number(timeout);
const agent = new Agent({ keepAlive: true, maxSockets: Number(connections) });
const now = (): number => performance.timeOrigin + performance.now();

let capacity = 1 << 16;
let count = 0;
let sentAt = new Float64Array(capacity);
let latencyMs = new Float64Array(capacity);
let status = new Int16Array(capacity);

function record(sent: number, code: number): void {
  if (count === capacity) {
    capacity *= 2;
    const grow = <A extends Float64Array | Int16Array>(from: A, to: A): A => {
      to.set(from);
      return to;
    };
    sentAt = grow(sentAt, new Float64Array(capacity));
    latencyMs = grow(latencyMs, new Float64Array(capacity));
    status = grow(status, new Int16Array(capacity));
  }
  sentAt[count] = sent;
  latencyMs[count] = now() - sent;
  status[count] = code;
  count++;
}

/** The first few answers that were not 2xx, and errors, as `<status> <body or message>`. */
const examples: string[] = [];
const EXAMPLES = 5;
function example(text: string): void {
  if (examples.length < EXAMPLES && !examples.includes(text)) examples.push(text);
}

/** One GET; resolves with its status code, `ERROR` or `TIMEOUT`, never rejects. */
function get(): Promise<number> {
  return new Promise((resolve) => {
    const sent = now();
    let ended = false;
    const end = (code: number): void => {
      if (ended) return;
      ended = true;
      record(sent, code);
      resolve(code);
    };
    const req = request(url, { agent }, (res) => {
      const code = res.statusCode ?? ERROR;
      const ok = code >= 200 && code < 300;
      let body = '';
      res.on('data', (chunk: Buffer) => {
        if (!ok && body.length < 200) body += chunk.toString();
      });
      res.on('error', () => end(ERROR));
      res.on('end', () => {
        if (!ok) example(`${code} ${body.slice(0, 200)}`);
        end(code);
      });
    });
    req.setTimeout(timeoutMs, () => {
      end(TIMEOUT);
      req.destroy();
    });
    req.on('error', (error) => {
      if (!ended) example(`error ${error.message}`);
      end(ERROR);
    });
    req.end();
  });
}

let running = true;
const loop = async (): Promise<void> => {
  while (running) {
    // A refused or reset connection fails at once: do not spin on it.
    if ((await get()) <= 0) await sleep(1);
  }
};
const loops = Array.from({ length: Number(connections) }, loop);

process.on('message', (message: { stop?: unknown }) => {
  if (message?.stop !== true) return;
  running = false;
  void Promise.all(loops).then(() => {
    agent.destroy();
    const samples: Samples = {
      sentAt: sentAt.slice(0, count),
      latencyMs: latencyMs.slice(0, count),
      status: status.slice(0, count),
      examples,
    };
    process.send?.({ samples }, () => process.disconnect());
  });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.send?.({ started: true });
