import { readFile } from 'node:fs/promises';
import { problem } from './problems.js';
import type { Sourced } from './sourced.js';
import type { ConfigProblem } from './types.js';

const PEM_MARKER = '-----BEGIN';
const ACCEPTS = 'PEM text (containing -----BEGIN) or a path to a readable PEM file';

/** Loaded PEM texts by configured value, and a problem per variable whose value could not be loaded. */
export interface PemResult {
  /** Configured value (PEM or path) -> PEM text. */
  readonly pem: ReadonlyMap<string, string>;
  /** Missing, unreadable or non-PEM files. */
  readonly problems: readonly ConfigProblem[];
}

type Loaded = { readonly pem: string } | { readonly error: string };

async function load(value: string): Promise<Loaded> {
  if (value.includes(PEM_MARKER)) return { pem: value.replace(/\\n/g, '\n') };
  try {
    const text = await readFile(value, 'utf8');
    return text.includes(PEM_MARKER) ? { pem: text } : { error: 'the file has no PEM block' };
  } catch (error) {
    return { error: `cannot read the file: ${String((error as NodeJS.ErrnoException).code)}` };
  }
}

/** Loads each distinct TLS value once: PEM text as is (`\n` escapes expanded), anything else as a file path. */
export async function loadPem(sources: readonly Sourced<string>[]): Promise<PemResult> {
  const values = [...new Set(sources.map((source) => source.value))];
  const loaded = new Map(
    await Promise.all(values.map(async (value) => [value, await load(value)] as const)),
  );
  const pem = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  const reported = new Set<string>();
  for (const { value, source } of sources) {
    const result = loaded.get(value) as Loaded;
    if ('pem' in result) pem.set(value, result.pem);
    else if (!reported.has(source)) {
      reported.add(source);
      problems.push(problem(source, value, ACCEPTS, result.error));
    }
  }
  return { pem, problems };
}
