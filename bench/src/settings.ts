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
}

/** Medians of 15 (in process) and 7 (HTTP) alternating rounds; about five minutes on two cores. */
export const FULL: Settings = {
  mode: 'full',
  rounds: 15,
  httpRounds: 7,
  warmups: 1,
  concurrency: 100,
  opsScale: 1,
  connections: 50,
  httpSeconds: 4,
  httpWarmupSeconds: 1,
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
};

/** Operations per caller and round for a suite whose full-run figure is `full`. */
export function opsPerCaller(settings: Settings, full: number): number {
  return Math.max(1, Math.round(full * settings.opsScale));
}
