/** One side of a comparison: something that does a fixed amount of work and reports its rate. */
export interface Contender {
  /** Stable id, used by rows and in the JSON. */
  id: string;
  /** What the reader sees in the table. */
  label: string;
  /** Runs one round and resolves with its rate (operations or requests per second). */
  run(warmup: boolean): Promise<number>;
}

/** What a contender measured: every round's rate (in round order) and their median. */
export interface Measurement {
  id: string;
  label: string;
  samples: number[];
  median: number;
}

/** How many rounds to run. */
export interface Rounds {
  /** Untimed rounds first. */
  warmups: number;
  /** Measured rounds. */
  rounds: number;
}

/** Reports progress (one line per measured round). */
export type Progress = (line: string) => void;

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] as number;
  return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Runs the contenders in alternation: warm-up rounds (untimed), then measured rounds, every
 * contender once per round, the starting contender rotating (A B C, B C A, C A B, ...), so
 * that drift (a warming JIT, a busy neighbour, a growing Redis) and position in the round
 * hit every contender alike. A contender that throws, or measures nothing, fails the suite.
 */
export async function alternate(
  suite: string,
  contenders: readonly Contender[],
  { warmups, rounds }: Rounds,
  progress: Progress,
): Promise<Map<string, Measurement>> {
  for (let round = 0; round < warmups; round++) {
    for (const contender of contenders) await contender.run(true);
  }
  const samples = new Map<string, number[]>(contenders.map((c) => [c.id, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(round + i) % contenders.length] as Contender;
      collectGarbage();
      const rate = await contender.run(false);
      if (!Number.isFinite(rate) || rate <= 0) {
        throw new Error(`@redis-infra/bench: ${suite}/${contender.id} measured no work (${rate})`);
      }
      samples.get(contender.id)?.push(rate);
      progress(`${suite} round ${round + 1}/${rounds} ${contender.label}: ${formatRate(rate)}/s`);
    }
  }
  return new Map(
    contenders.map((c) => {
      const values = samples.get(c.id) ?? [];
      return [c.id, { id: c.id, label: c.label, samples: values, median: median(values) }];
    }),
  );
}

/**
 * A full garbage collection, when the process runs with `--expose-gc` (`pnpm bench` does):
 * each round starts on a clean heap, so no contender pays for the garbage the one before it
 * left (an allocating cache's promises and buffers, collected in the next round otherwise).
 */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** `123456.7` -> `123,457`. */
export function formatRate(rate: number): string {
  return Math.round(rate).toLocaleString('en-US');
}
