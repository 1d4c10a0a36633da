import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { problem } from './problems.js';
import { REDACTED } from './redact.js';
import type { Sourced } from './sourced.js';
import type { ConfigProblem } from './types.js';

const PEM_MARKER = '-----BEGIN';
const ACCEPTS = 'PEM text (containing -----BEGIN) or a path to a readable PEM file';

/** What a TLS variable holds: certificates (a CA bundle, the client's) or the client's private key. */
export type PemKind = 'certificate' | 'key';

/** A TLS variable's value, where it came from, and what it must hold. */
export interface PemSource extends Sourced<string> {
  readonly kind: PemKind;
}

/** A role's TLS variables that are set, each with what it must hold. */
export function pemSources(tls: {
  tlsCa?: Sourced<string> | undefined;
  tlsCert?: Sourced<string> | undefined;
  tlsKey?: Sourced<string> | undefined;
}): PemSource[] {
  const sources: PemSource[] = [];
  if (tls.tlsCa) sources.push({ ...tls.tlsCa, kind: 'certificate' });
  if (tls.tlsCert) sources.push({ ...tls.tlsCert, kind: 'certificate' });
  if (tls.tlsKey) sources.push({ ...tls.tlsKey, kind: 'key' });
  return sources;
}

/**
 * `loaded` once parsed as Node's TLS will, so that a corrupt certificate or key is a
 * configuration error at start-up rather than a TLS failure at every connect. The error is
 * OpenSSL's reason: it never quotes the PEM.
 */
function parsed(loaded: Loaded, kind: PemKind): Loaded {
  if ('error' in loaded) return loaded;
  try {
    if (kind === 'key') createPrivateKey(loaded.pem);
    else new X509Certificate(loaded.pem);
    return loaded;
  } catch (error) {
    const what = kind === 'key' ? 'private key' : 'certificate';
    return { error: `not a ${what} Node can read: ${(error as Error).message}` };
  }
}

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
export async function loadPem(sources: readonly PemSource[]): Promise<PemResult> {
  const values = [...new Set(sources.map((source) => source.value))];
  const loaded = new Map(
    await Promise.all(values.map(async (value) => [value, await load(value)] as const)),
  );
  const pem = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  const reported = new Set<string>();
  for (const { value, source, kind } of sources) {
    const result = parsed(loaded.get(value) as Loaded, kind);
    if ('pem' in result) pem.set(value, result.pem);
    else if (!reported.has(source)) {
      reported.add(source);
      // PEM text is never shown, not even a certificate's: it may be a key in the wrong variable.
      const shown = value.includes(PEM_MARKER) ? REDACTED : value;
      problems.push(problem(source, shown, ACCEPTS, result.error));
    }
  }
  return { pem, problems };
}
