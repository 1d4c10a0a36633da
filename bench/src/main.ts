/**
 * `pnpm bench`: runs every suite and writes `results/latest.md` and `results/latest.json`.
 * `--quick` (or `pnpm bench:quick`): one short round of everything. `--only <suite>`: the
 * named suites only. Both print without writing, so `results/` always holds a full run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { toJson, toMarkdown } from './report.js';
import { runBench, SUITES } from './run.js';
import { FULL, QUICK } from './settings.js';

const USAGE = `usage: node dist/main.js [--quick] [--only ${Object.keys(SUITES).join('|')}]...`;

let values: { quick?: boolean; only?: string[] };
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: { quick: { type: 'boolean' }, only: { type: 'string', multiple: true } },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const unknown = (values.only ?? []).filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}\n${USAGE}`);
  process.exit(2);
}
const settings = values.quick ? QUICK : FULL;
const complete = settings.mode === 'full' && values.only === undefined;

const started = performance.now();
try {
  const result = await runBench(
    settings,
    (line) => console.error(line),
    values.only ?? Object.keys(SUITES),
  );
  const markdown = toMarkdown(result);
  console.log(markdown);
  if (complete) {
    const dir = new URL('../results/', import.meta.url);
    await mkdir(dir, { recursive: true });
    await writeFile(new URL('latest.md', dir), markdown);
    await writeFile(new URL('latest.json', dir), toJson(result));
    console.error('wrote results/latest.md and results/latest.json');
  }
  console.error(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
