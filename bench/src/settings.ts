/** How much work one run does. `full` is what `pnpm bench` runs; `quick` is the CI smoke check. */
export interface Settings {
  /** `full` or `quick`. */
  mode: 'full' | 'quick';
  /** Measured rounds per contender of the in-process suites; contenders alternate in each. */
  rounds: number;
  /** Measured rounds per contender of the HTTP suite. */
  httpRounds: number;
  /** Untimed rounds per contender before the measured ones. */
  warmups: number;
  /** Concurrent callers of the in-process benchmarks. */
  concurrency: number;
  /** Multiplies each micro suite's operations per caller and round. */
  opsScale: number;
  /** autocannon connections of the HTTP benchmarks. */
  connections: number;
  /** Seconds per HTTP measurement. */
  httpSeconds: number;
  /** Seconds per HTTP warm-up. */
  httpWarmupSeconds: number;
  /** The outage suite's timeline and load. */
  outage: OutageSettings;
  /** The memory suite's fill. */
  memory: MemorySettings;
}

/** One outage run per contender: load, then Redis killed, kept down, restarted, load on. */
export interface OutageSettings {
  /** Concurrent keep-alive connections, each sending its next request when the last is answered. */
  connections: number;
  /** Seconds of load before anything is counted. */
  warmupSeconds: number;
  /** Seconds counted before the kill. */
  beforeSeconds: number;
  /** Seconds between the kill and the restart. */
  downSeconds: number;
  /** Seconds counted after the restarted Redis accepts connections. */
  afterSeconds: number;
  /** A request not answered within this counts as a timeout. */
  requestTimeoutMs: number;
  /** How long after the restart ours' `/health` is polled for `pass` (past the load's end if need be). */
  healthWaitSeconds: number;
}

/** One fill per cache, each in a fresh process. */
export interface MemorySettings {
  /** Entries written (distinct keys, about 100 bytes of JSON each). */
  entries: number;
  /** The caches' byte bound (ours `l1.maxBytes`, bentocache `maxSize`). */
  maxBytes: number;
}

/**
 * Medians of 15 (in process) and 11 (HTTP) alternating rounds, a 3 s outage per contender and
 * 1,000,000 entries under 64 MiB: 9 to 13 minutes on two cores. Over HTTP, single rounds of
 * one contender vary by a factor of two on a busy 2-core machine: 11 rounds keep the median
 * from following a few of them.
 */
export const FULL: Settings = {
  mode: 'full',
  rounds: 15,
  httpRounds: 11,
  warmups: 1,
  concurrency: 100,
  opsScale: 1,
  connections: 50,
  httpSeconds: 4,
  httpWarmupSeconds: 1,
  outage: {
    connections: 50,
    warmupSeconds: 1,
    beforeSeconds: 2,
    downSeconds: 3,
    afterSeconds: 4,
    requestTimeoutMs: 2_000,
    healthWaitSeconds: 10,
  },
  memory: { entries: 1_000_000, maxBytes: 64 * 1024 * 1024 },
};

/** One short round of everything: proves every contender runs, measures nothing worth quoting. */
export const QUICK: Settings = {
  mode: 'quick',
  rounds: 1,
  httpRounds: 1,
  warmups: 1,
  concurrency: 100,
  opsScale: 0.05,
  connections: 10,
  httpSeconds: 0.5,
  httpWarmupSeconds: 0.1,
  // Redis down for 1 s instead of 3; 31,250 entries under 2 MiB (a 32nd of the full fill).
  outage: {
    connections: 10,
    warmupSeconds: 0.2,
    beforeSeconds: 0.5,
    downSeconds: 1,
    afterSeconds: 1.5,
    requestTimeoutMs: 2_000,
    healthWaitSeconds: 1.5,
  },
  memory: { entries: 31_250, maxBytes: 2 * 1024 * 1024 },
};

/** Operations per caller and round for a suite whose full-run figure is `full`. */
export function opsPerCaller(settings: Settings, full: number): number {
  return Math.max(1, Math.round(full * settings.opsScale));
}
