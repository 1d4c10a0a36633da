import type { ConfigProblem } from './types.js';

/** The package name every message starts with. */
export const PACKAGE_NAME = '@redis-infra/config-resolver';

/** The configuration is invalid; `problems` lists every problem found, redacted. */
export class ConfigError extends Error {
  /** Stable error code. */
  readonly code = 'E_INVALID_CONFIG';
  /** Every problem found, not just the first. */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options?: ErrorOptions) {
    super(formatProblems(problems), options);
    this.name = 'ConfigError';
    this.problems = Object.freeze(problems.map((problem) => Object.freeze({ ...problem })));
  }
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((problem) => `  - ${problem.variable}: ${problem.message}`);
  return [
    `${PACKAGE_NAME}: invalid Redis configuration (${count}):`,
    ...lines,
    'Fix the variables or options above; the package README lists what each one accepts.',
  ].join('\n');
}
