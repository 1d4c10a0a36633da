import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * Last-resort cleanup of everything the harness started in this process. Normal teardown
 * goes through the owner (`t.teardown`); this catches what it cannot: a process that
 * exits early (`exit` handler), and one that is killed outright (a watchdog process that
 * notices its stdin pipe close and kills what is left).
 */

const pids = new Set<number>();
const dirs = new Set<string>();

/** The watchdog: reads `+pid`, `-pid`, `+dir path`, `-dir path` lines; on EOF kills and removes what is left. */
const WATCHDOG = `
const { rmSync } = require('node:fs');
const pids = new Set(); const dirs = new Set(); let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let i;
  while ((i = buffer.indexOf('\\n')) >= 0) {
    const line = buffer.slice(0, i); buffer = buffer.slice(i + 1);
    const [op, kind, ...rest] = line.split(' ');
    const set = kind === 'pid' ? pids : dirs;
    const value = kind === 'pid' ? Number(rest[0]) : rest.join(' ');
    if (op === '+') set.add(value); else set.delete(value);
  }
});
process.stdin.on('end', () => {
  for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch {} }
  setTimeout(() => {
    for (const dir of dirs) { try { rmSync(dir, { recursive: true, force: true }); } catch {} }
    process.exit(0);
  }, 200);
});
`;

let watchdog: ChildProcess | undefined;

function tell(line: string): void {
  if (!watchdog) {
    watchdog = spawn(process.execPath, ['-e', WATCHDOG], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    watchdog.unref();
    // The pipe must not keep this process alive; it closes when this process ends.
    (watchdog.stdin as unknown as { unref(): void }).unref();
    watchdog.stdin?.on('error', () => {});
    process.once('exit', killAll);
  }
  watchdog.stdin?.write(`${line}\n`);
}

/** Synchronously kills every tracked process and removes every tracked directory. */
function killAll(): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
      /* c8 ignore next 3 -- only when a server died in the instant before this process exits */
    } catch {
      // already gone
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

/** Tracks a started process so that it is killed if this process ends without tearing it down. */
export function trackProcess(pid: number): void {
  pids.add(pid);
  tell(`+ pid ${pid}`);
}

/** Stops tracking a process that has been stopped normally. */
export function untrackProcess(pid: number): void {
  pids.delete(pid);
  tell(`- pid ${pid}`);
}

/** Tracks a temporary directory so that it is removed if this process ends without removing it. */
export function trackDir(dir: string): void {
  dirs.add(dir);
  tell(`+ dir ${dir}`);
}

/** Removes a tracked directory now and stops tracking it. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
  tell(`- dir ${dir}`);
}
