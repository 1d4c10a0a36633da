import { readFile } from 'node:fs/promises';
import t from 'tap';
import { ENV_SHAPE, OPTIONS_SHAPE } from '../src/schema.js';
import { VARIABLES } from '../src/variables.js';

const README = new URL('../README.md', import.meta.url);

/** Rows of the README table between the variables markers: [name, option, default, description]. */
async function readmeRows(): Promise<string[][]> {
  const text = await readFile(README, 'utf8');
  const table = text.split('<!-- variables:start -->')[1]?.split('<!-- variables:end -->')[0] ?? '';
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(2, -2)
        .split(/ (?<!\\)\| /)
        .map((cell) => cell.trim().replace(/\\\|/g, '|')),
    );
}

t.test('the README table and VARIABLES agree both ways', async (t) => {
  const rows = await readmeRows();
  const fromReadme = rows.map(([name = '', option = '', defaults = '', description = '']) => ({
    name: name.replace(/`/g, ''),
    option: option === '—' ? '' : option.replace(/`/g, ''),
    default: defaults,
    description,
  }));
  t.strictSame(
    fromReadme.map((row) => row.name),
    VARIABLES.map((variable) => variable.name),
  );
  t.strictSame(
    fromReadme,
    VARIABLES.map((variable) => ({ ...variable })),
  );
});

t.test('every validated variable is documented, and every documented one is read', async (t) => {
  const documented = VARIABLES.map((variable) => variable.name).filter(
    (name) => name !== 'RAILWAY_*',
  );
  t.strictSame([...documented].sort(), Object.keys(ENV_SHAPE).sort());
});

t.test('every option in the table exists', async (t) => {
  for (const { option } of VARIABLES) {
    if (option === '') continue;
    const key = option.startsWith('roles.') ? 'url' : option;
    t.ok(key in OPTIONS_SHAPE, option);
  }
});

t.test('the root README carries the same variable table', async (t) => {
  const block = async (url: URL) =>
    (await readFile(url, 'utf8'))
      .split('<!-- variables:start -->')[1]
      ?.split('<!-- variables:end -->')[0];
  const own = await block(README);
  t.ok(own && own.length > 100);
  t.equal(await block(new URL('../../../README.md', import.meta.url)), own);
});
