import { formatRate } from '../compare.js';
import type { OutageSettings } from '../settings.js';
import type { OutageResult } from './suite.js';

const ms = (value: number | null | undefined, cap: number): string =>
  value === undefined ? '' : value === null ? `> ${formatRate(cap)} ms` : `${formatRate(value)} ms`;
const latency = (value: number | null): string =>
  value === null ? '–' : value < 10 ? value.toFixed(1) : formatRate(value);

/** The outage section of the report: one table per phase and one of the recovery. */
export function outageMarkdown(results: readonly OutageResult[], s: OutageSettings): string[] {
  if (results.length === 0) return [];
  const afterMs = s.afterSeconds * 1000;
  const lines = [
    `## Redis outage (killed for ${s.downSeconds} s)`,
    '',
    `Each contender on a fresh app, loaded by another process with ${s.connections} keep-alive connections`,
    `(each sends its next request when the last is answered, ${formatRate(s.requestTimeoutMs)} ms timeout), on a Redis of`,
    `its own: ${s.beforeSeconds} s counted after a ${s.warmupSeconds} s warm-up, then Redis is SIGKILLed, kept down`,
    `${s.downSeconds} s and restarted empty on the same port, and the load goes on for ${s.afterSeconds} s. A request`,
    'belongs to **before** when it was over before the kill, to **during** when it was in flight',
    'at the kill or sent before the restarted Redis accepted connections, to **after** when it',
    'was sent after that. These rows are behaviour, not ratios.',
    '',
    "- **requests**: the phase's requests (answered or not), and per second of the phase;",
    '- **2xx**, **429**: answered so; **other**: any other status (5xx, typically);',
    '- **errors**: no HTTP answer (refused, reset); **timeouts**: no answer in time;',
    '- **p50**, **p99**: latency of the answered requests (any status), ms.',
    '',
    '| contender | phase | requests | req/s | 2xx | 429 | other | errors | timeouts | p50 | p99 |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const result of results) {
    for (const p of result.phases) {
      lines.push(
        `| ${p.phase === 'before' ? result.label : ''} | ${p.phase} | ${formatRate(p.requests)} | ${formatRate(
          p.perSecond,
        )} | ${formatRate(p.ok)} | ${formatRate(p.limited)} | ${formatRate(p.failed)} | ${formatRate(
          p.errors,
        )} | ${formatRate(p.timeouts)} | ${latency(p.p50Ms)} | ${latency(p.p99Ms)} |`,
      );
    }
  }
  lines.push(
    '',
    'Recovery, from the moment the restarted Redis accepts connections:',
    '',
    '- **Redis in use again**: until the first key the app writes (a counter, a cached entry)',
    `  shows up in the restarted, empty Redis (\`DBSIZE\` polled every 10 ms);`,
    '- **last failure**: until the last request sent after the restart that got no 2xx was over',
    '  (0: every request sent after the restart got a 2xx);',
    "- **`/health` pass**: until the suite's `/health` answers 200 `pass` again (ours only,",
    `  polled for up to ${s.healthWaitSeconds} s, past the end of the load if need be). Its \`rateLimit:store\``,
    '  check stays `warn` for 1 s after the in-memory insurance limiter last answered.',
    '',
    '| contender | Redis in use again | last failure | `/health` pass |',
    '|---|---:|---:|---:|',
  );
  for (const result of results) {
    lines.push(
      `| ${result.label} | ${ms(result.redisInUseMs, afterMs)} | ${ms(result.lastFailureMs, afterMs)} | ${ms(
        result.healthPassMs,
        s.healthWaitSeconds * 1000,
      )} |`,
    );
  }
  lines.push('');
  return lines;
}
