// Prints `tests: N passed, M failed` over every package's last tap run, read from the raw
// TAP files tap keeps in <package>/.tap/test-results. Each assertion counts once; a test
// file that crashed or was killed counts as one failure. Every failure is listed above the
// count with its file, full name and diagnostics, so the tail of a CI log says what failed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from 'tap-parser';

const roots = ['packages', 'examples'].flatMap((dir) => {
  try {
    return readdirSync(dir).map((name) => join(dir, name));
  } catch {
    return [];
  }
});
roots.push('bench');

function tapFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tapFiles(path) : path.endsWith('.tap') ? [path] : [];
  });
}

let passed = 0;
let failed = 0;
const failures = [];
for (const root of roots) {
  for (const file of tapFiles(join(root, '.tap', 'test-results'))) {
    const events = Parser.parse(readFileSync(file, 'utf8'), { flat: true });
    let fileFailed = 0;
    for (const [event, result] of events) {
      if (event !== 'assert' || result.todo || result.skip) continue;
      if (result.ok) passed += 1;
      else {
        fileFailed += 1;
        failures.push({ file, result });
      }
    }
    const complete = events.find(([event]) => event === 'complete')?.[1];
    const asserted = events.some(([event]) => event === 'assert');
    // A file that crashed, timed out, never planned or ran no test at all (a process killed
    // before its first assertion leaves a plan of 1..0) counts as one failure at least.
    if ((!complete?.ok || !asserted) && fileFailed === 0) {
      fileFailed = 1;
      failures.push({
        file,
        result: { fullname: 'the file did not complete, or ran no test (crashed or timed out)' },
      });
    }
    failed += fileFailed;
  }
}
for (const { file, result } of failures) {
  console.log(`not ok: ${file}: ${result.fullname || result.name}`);
  if (result.diag) {
    const lines = JSON.stringify(result.diag, null, 2).split('\n');
    console.log(lines.slice(0, 40).map((line) => `    ${line}`).join('\n'));
  }
}
console.log(`tests: ${passed} passed, ${failed} failed`);
