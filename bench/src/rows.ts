import type { Measurement } from './compare.js';

/** A row of the report: `subject` (usually ours) against `baseline` (usually a peer). */
export interface RowSpec {
  /** Stable id (`get-manager`, `http-rate-limit-fixed`, ...). */
  id: string;
  /** What the row compares, in words. */
  title: string;
  /** Contender id of the left figure. */
  subject: string;
  /** Contender id of the right figure. */
  baseline: string;
  /** Minimum ratio subject / baseline another issue asks for; none for informational rows. */
  target?: number;
}

/** A measured row. */
export interface Row {
  id: string;
  suite: string;
  title: string;
  /** `ops/s` (in-process) or `req/s` (HTTP). */
  unit: string;
  subject: Measurement;
  baseline: Measurement;
  /** median(subject) / median(baseline). */
  ratio: number;
  /** subject / baseline of each round (both ran in the same round): their spread shows the noise. */
  roundRatios: number[];
  target: number | null;
  /** `pass` when ratio >= target, `short` when below, null without a target. */
  result: 'pass' | 'short' | null;
}

/** Everything one suite measured: each contender's figures, and the rows comparing them. */
export interface SuiteResult {
  suite: string;
  unit: string;
  measurements: Measurement[];
  rows: Row[];
}

/** Turns a suite's measurements into its result. */
export function suiteResult(
  suite: string,
  unit: string,
  measured: ReadonlyMap<string, Measurement>,
  specs: readonly RowSpec[],
): SuiteResult {
  const rows = specs.map((spec): Row => {
    const subject = measured.get(spec.subject);
    const baseline = measured.get(spec.baseline);
    if (!subject || !baseline) {
      throw new Error(`@redis-infra/bench: row ${spec.id} names a contender the suite did not run`);
    }
    const ratio = subject.median / baseline.median;
    const target = spec.target ?? null;
    return {
      id: spec.id,
      suite,
      title: spec.title,
      unit,
      subject,
      baseline,
      ratio,
      roundRatios: subject.samples.map((rate, i) => rate / (baseline.samples[i] ?? Number.NaN)),
      target,
      result: target === null ? null : ratio >= target ? 'pass' : 'short',
    };
  });
  return { suite, unit, measurements: [...measured.values()], rows };
}
