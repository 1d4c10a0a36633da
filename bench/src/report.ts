import { formatRate } from './compare.js';
import type { Environment } from './environment.js';
import type { MemoryResult } from './memory/suite.js';
import { memoryMarkdown } from './memory/table.js';
import type { OutageResult } from './outage/suite.js';
import { outageMarkdown } from './outage/table.js';
import type { Row, SuiteResult } from './rows.js';
import { FULL, type Settings } from './settings.js';

/** One run: where, how much, and what it measured. */
export interface BenchResult {
  environment: Environment;
  settings: Settings;
  suites: SuiteResult[];
  /** What the requests of each outage run got, per phase, and how soon each app recovered. */
  outage: OutageResult[];
  /** Heap and RSS of each cache after the memory fill. */
  memory: MemoryResult[];
  /** Suites that were not run, and why (e.g. the cache package is not built). */
  skipped: Array<{ suite: string; reason: string }>;
}

const ratio = (row: Row): string => `${row.ratio.toFixed(2)}x`;
const ratioRange = (row: Row): string =>
  row.roundRatios.length < 2
    ? ''
    : `${Math.min(...row.roundRatios).toFixed(2)} – ${Math.max(...row.roundRatios).toFixed(2)}`;
const figure = (rate: number, unit: string): string => `${formatRate(rate)} ${unit}`;
const spread = (samples: readonly number[]): string =>
  samples.length < 2
    ? ''
    : `${formatRate(Math.min(...samples))} – ${formatRate(Math.max(...samples))}`;

/** The run as the markdown the README shows. */
export function toMarkdown(result: BenchResult): string {
  const { environment: env, settings } = result;
  const lines = [
    '# Benchmark results',
    '',
    `\`pnpm bench\` (${settings.mode}), ${env.date.slice(0, 10)}: Node ${env.node}, ${shortRedis(env.redis)},`,
    `${env.cpu} (${env.cores} cores), ${env.os}; load average ${env.loadAtStart} at the start,`,
    `${env.loadAtEnd ?? '?'} at the end.`,
  ];
  if (settings.mode === 'quick') {
    lines.push(
      `Quick run: one short round of everything, Redis down ${settings.outage.downSeconds} s instead of ${FULL.outage.downSeconds},`,
      `${formatRate(settings.memory.entries)} entries instead of ${formatRate(FULL.memory.entries)} (under a bound as much smaller):`,
      'the figures only show that everything ran.',
    );
  }
  if (result.suites.length > 0) {
    lines.push(
      `Medians of ${settings.rounds} (in process) and ${settings.httpRounds} (HTTP) alternating rounds`,
      `after ${settings.warmups} warm-up round${settings.warmups === 1 ? '' : 's'}; ${settings.concurrency} concurrent callers in process,`,
      `${settings.connections} connections for ${settings.httpSeconds} s per HTTP run. A / B is the ratio`,
      'of the two medians, higher is better for A; "rounds" is the range of the ratio within single',
      'rounds (A and B ran back to back), a measure of the noise.',
      '',
      '| suite | comparison (A vs B) | A | B | A / B | rounds | target | result |',
      '|---|---|---:|---:|---:|---:|---:|---|',
    );
  }
  for (const suite of result.suites) {
    for (const row of suite.rows) {
      lines.push(
        `| ${suite.suite} | ${row.title} | ${figure(row.subject.median, row.unit)} | ${figure(
          row.baseline.median,
          row.unit,
        )} | ${ratio(row)} | ${ratioRange(row)} | ${row.target === null ? '' : `>= ${row.target}x`} | ${row.result ?? ''} |`,
      );
    }
  }
  lines.push('');
  lines.push(...outageMarkdown(result.outage, settings.outage));
  lines.push(...memoryMarkdown(result.memory, settings.memory));
  if (result.suites.length > 0) lines.push('## Every contender', '');
  for (const suite of result.suites) {
    lines.push(
      `### ${suite.suite}`,
      '',
      `| contender | median ${suite.unit} | min – max |`,
      '|---|---:|---:|',
    );
    for (const m of suite.measurements) {
      lines.push(`| ${m.label} | ${formatRate(m.median)} | ${spread(m.samples)} |`);
    }
    lines.push('');
  }
  if (result.skipped.length > 0) {
    lines.push('## Not measured', '');
    for (const { suite, reason } of result.skipped) lines.push(`- ${suite}: ${reason}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The run as JSON (every sample kept). */
export function toJson(result: BenchResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** `Redis server v=7.0.15 sha=...` -> `Redis 7.0.15`. */
function shortRedis(version: string): string {
  const match = /v=(\S+)/.exec(version);
  return match ? `Redis ${match[1]}` : version;
}
