/** Status of a request that failed without an HTTP answer (refused, reset). */
export const ERROR = 0;
/** Status of a request not answered within the load's timeout. */
export const TIMEOUT = -1;

/** Every request of one load run, in the order they ended. */
export interface Samples {
  /** When each request was sent, ms since the epoch (`performance.timeOrigin + performance.now()`). */
  sentAt: Float64Array;
  /** How long each took, ms (until answered, failed or timed out). */
  latencyMs: Float64Array;
  /** HTTP status, or {@link ERROR} / {@link TIMEOUT}. */
  status: Int16Array;
  /** The first few distinct failures: `<status> <body>` or `error <message>`. */
  examples: string[];
}

/** The three phases of an outage run. */
export type PhaseName = 'before' | 'during' | 'after';

/** What the requests sent in one phase got. */
export interface PhaseStats {
  phase: PhaseName;
  /** Length of the phase. */
  seconds: number;
  /** Requests sent in the phase (answered or not). */
  requests: number;
  /** `requests / seconds`. */
  perSecond: number;
  /** Answered 2xx. */
  ok: number;
  /** Answered 429 (rate limited). */
  limited: number;
  /** Answered with any other status (3xx, 4xx but 429, 5xx). */
  failed: number;
  /** No HTTP answer: connection refused or reset. */
  errors: number;
  /** Not answered within the timeout. */
  timeouts: number;
  /** Median latency of the answered requests, ms (null when none was answered). */
  p50Ms: number | null;
  /** 99th percentile latency of the answered requests, ms. */
  p99Ms: number | null;
}

/**
 * When each phase starts and ends (ms since the epoch). A request belongs to `before` when
 * it was sent at or after `start` and was over before `kill`; to `during` when it was still
 * in flight at `kill` or was sent before `up`; to `after` when it was sent in [`up`, `end`).
 */
export interface Marks {
  start: number;
  kill: number;
  up: number;
  end: number;
}

const isOk = (status: number): boolean => status >= 200 && status < 300;

/** The `q` quantile (0..1) of sorted `values`, nearest rank. */
export function quantile(sorted: Float64Array, q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

/** The phase of a request sent at `sent` that took `latency` ms, or undefined outside every phase. */
export function phaseOf(marks: Marks, sent: number, latency: number): PhaseName | undefined {
  if (sent >= marks.end) return undefined;
  if (sent >= marks.up) return 'after';
  if (sent >= marks.kill || sent + latency >= marks.kill) return 'during';
  return sent >= marks.start ? 'before' : undefined;
}

/** Splits the requests by phase (see {@link Marks}); each phase lasts from its first mark to the next. */
export function phaseStats(samples: Samples, marks: Marks): PhaseStats[] {
  const bounds: Array<[PhaseName, number, number]> = [
    ['before', marks.start, marks.kill],
    ['during', marks.kill, marks.up],
    ['after', marks.up, marks.end],
  ];
  return bounds.map(([phase, from, to]) => {
    const stats = { ok: 0, limited: 0, failed: 0, errors: 0, timeouts: 0 };
    const latencies: number[] = [];
    for (let i = 0; i < samples.sentAt.length; i++) {
      if (phaseOf(marks, samples.sentAt[i] as number, samples.latencyMs[i] as number) !== phase)
        continue;
      const status = samples.status[i] as number;
      if (status === ERROR) stats.errors++;
      else if (status === TIMEOUT) stats.timeouts++;
      else {
        latencies.push(samples.latencyMs[i] as number);
        if (isOk(status)) stats.ok++;
        else if (status === 429) stats.limited++;
        else stats.failed++;
      }
    }
    const sorted = Float64Array.from(latencies).sort();
    const seconds = (to - from) / 1000;
    const requests = stats.ok + stats.limited + stats.failed + stats.errors + stats.timeouts;
    return {
      phase,
      seconds,
      requests,
      perSecond: seconds > 0 ? requests / seconds : 0,
      ...stats,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
    };
  });
}

/**
 * Ms from `marks.up` until the last request sent after it that was not answered 2xx was
 * over (answered, failed or timed out); 0 when every such request got a 2xx.
 */
export function lastFailureAfter(samples: Samples, marks: Marks): number {
  let last = marks.up;
  for (let i = 0; i < samples.sentAt.length; i++) {
    const sent = samples.sentAt[i] as number;
    if (sent < marks.up || sent >= marks.end || isOk(samples.status[i] as number)) continue;
    last = Math.max(last, sent + (samples.latencyMs[i] as number));
  }
  return last - marks.up;
}
