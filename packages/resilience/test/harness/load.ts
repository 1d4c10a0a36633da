import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/** One response (or failure) seen by the load generator. */
export interface Sample {
  /** When the request was sent: `now()` (epoch ms, sub-millisecond). */
  at: number;
  /** The path requested. */
  path: string;
  /** HTTP status, or 0 when the request failed (socket error, or no answer within 5 s). */
  status: number;
  /** Round trip in ms. */
  ms: number;
}

/** Options of `startLoad`. */
export interface LoadOptions {
  /** Paths requested in turn by each connection. */
  paths: readonly string[];
  /** Keep-alive connections, each with one request in flight. @default 10 */
  connections?: number;
}

/** A running load; `stop()` ends it and returns every sample. */
export interface Load {
  stop(): Promise<Sample[]>;
}

/** The clock samples use: epoch ms with sub-millisecond precision, the same in every thread. */
export const now = (): number => performance.timeOrigin + performance.now();

// The generator runs in a worker thread: its own event loop, so the app's handling time is
// not hidden behind (or inflated by) the client's own work in the same loop.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, paths, connections } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const now = () => performance.timeOrigin + performance.now();
const samples = [];
let running = true;
const request = (path) => new Promise((resolve) => {
  const at = now();
  const req = http.get(url + path, { agent, timeout: 5000 }, (res) => {
    res.resume();
    res.on('end', () => resolve({ at, path, status: res.statusCode, ms: now() - at }));
    res.on('error', () => resolve({ at, path, status: 0, ms: now() - at }));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => resolve({ at, path, status: 0, ms: now() - at }));
});
const worker = async (offset) => {
  for (let i = offset; running; i++) samples.push(await request(paths[i % paths.length]));
};
const workers = Array.from({ length: connections }, (_, i) => worker(i));
parentPort.on('message', async () => {
  running = false;
  await Promise.all(workers);
  agent.destroy();
  parentPort.postMessage(samples);
});
`;

/** Starts `connections` keep-alive connections requesting `paths` of `url` in a loop. */
export function startLoad(url: string, options: LoadOptions): Load {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      url,
      paths: options.paths,
      connections: options.connections ?? 10,
    },
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const [samples] = (await once(worker, 'message')) as [Sample[]];
      await worker.terminate();
      return samples;
    },
  };
}

/** What a window of samples shows. */
export interface Summary {
  requests: number;
  /** Count per status (`0` = failed request). */
  statuses: Record<number, number>;
  /** 5xx answers plus failed requests. */
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

/** Summarises the samples sent in `[from, to)` (all of them without bounds), for `path` or every path. */
export function summarise(
  samples: readonly Sample[],
  window: { from?: number; to?: number; path?: string } = {},
): Summary {
  const { from = 0, to = Number.POSITIVE_INFINITY, path } = window;
  const picked = samples.filter(
    (s) => s.at >= from && s.at < to && (path === undefined || s.path === path),
  );
  const statuses: Record<number, number> = {};
  for (const s of picked) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const ms = picked.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0;
  return {
    requests: picked.length,
    statuses,
    errors: picked.filter((s) => s.status === 0 || s.status >= 500).length,
    p50: at(0.5),
    p99: at(0.99),
    max: ms.at(-1) ?? 0,
  };
}

/** One line for `t.comment`: requests, statuses and latency of a summary. */
export function describe(name: string, s: Summary): string {
  return (
    `${name}: ${s.requests} requests ${JSON.stringify(s.statuses)}, ` +
    `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(0)} ms`
  );
}
