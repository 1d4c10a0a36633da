import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { waitFor } from '../src/wait.js';

const orphan = fileURLToPath(new URL('./fixtures/orphan.ts', import.meta.url));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Runs the orphan fixture and resolves with what it started. */
async function runOrphan(mode: 'exit' | 'wait') {
  const child = spawn(process.execPath, [...process.execArgv, orphan, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return { child, ...(JSON.parse(line.toString()) as { pid: number; dir: string }) };
}

t.test('a process that exits without teardown takes its servers and dirs with it', async (t) => {
  const { child, pid, dir } = await runOrphan('exit');
  await once(child, 'exit');
  await waitFor('the server to be gone', () => !alive(pid) && !existsSync(dir));
  t.pass('server killed and dir removed');
});

t.test(
  'a process killed outright: the watchdog kills its servers and removes its dirs',
  async (t) => {
    const { child, pid, dir } = await runOrphan('wait');
    t.ok(alive(pid));
    child.kill('SIGKILL');
    await waitFor('the watchdog to clean up', () => !alive(pid) && !existsSync(dir), {
      timeoutMs: 5_000,
    });
    t.pass('server killed and dir removed');
  },
);
