import type { z } from 'zod';
import { REDACTED, redact, redactUrl } from './redact.js';
import type { ConfigProblem } from './types.js';

type Path = readonly PropertyKey[];

/** How issue paths map to variable names and accepted values for one input. */
export interface Naming {
  /** Prepended to the joined path, e.g. `options.`. */
  readonly prefix: string;
  /** How many leading path segments name the variable. */
  depth(path: Path): number;
  /** What the variable at `path` accepts. */
  accepts(path: Path): string;
  /** Known keys for unknown-key problems: at the top, and in nested objects (roles). */
  readonly known: { readonly top: readonly string[]; readonly nested: readonly string[] };
}

const SECRET_NAMES = new Set([
  'REDIS_PASSWORD',
  'REDISPASSWORD',
  'REDIS_SENTINEL_PASSWORD',
  'REDIS_TLS_KEY',
  'password',
  'sentinelPassword',
  'tlsKey',
]);

const MAX_SHOWN = 200;

/** Shows a value in a message: secrets as `[redacted]`, URL passwords redacted, long values cut. */
export function show(value: unknown, name: string): string {
  if (SECRET_NAMES.has(name)) return REDACTED;
  const text = JSON.stringify(typeof value === 'string' ? redactUrl(value) : redact(value));
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 3)}...` : text;
}

/** One problem about `variable`: what it got (redacted) and what it accepts. */
export function problem(
  variable: string,
  value: unknown,
  accepts: string,
  detail?: string,
): ConfigProblem {
  const name = variable.slice(variable.lastIndexOf('.') + 1);
  const suffix = detail === undefined ? '' : ` (${detail})`;
  return { variable, message: `got ${show(value, name)}, expected ${accepts}${suffix}` };
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const key of path) value = (value as Record<PropertyKey, unknown>)[key];
  return value;
}

/** Turns zod issues into one problem per variable, details joined, in order of appearance. */
export function toProblems(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  naming: Naming,
): ConfigProblem[] {
  const unknown: ConfigProblem[] = [];
  const groups = new Map<string, { path: Path; details: string[] }>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = (issue.path.length === 0 ? naming.known.top : naming.known.nested).join(', ');
      for (const key of issue.keys) {
        const variable = `${naming.prefix}${[...issue.path, key].join('.')}`;
        unknown.push({ variable, message: `unknown option, expected one of ${known}` });
      }
      continue;
    }
    const depth = naming.depth(issue.path);
    const path = issue.path.slice(0, depth);
    const variable = `${naming.prefix}${path.join('.')}`;
    const group = groups.get(variable) ?? { path, details: [] };
    groups.set(variable, group);
    if (issue.code === 'custom' && issue.params?.detail === true) {
      const entry = issue.path[depth];
      const where = typeof entry === 'number' ? `entry ${entry + 1}: ` : '';
      group.details.push(`${where}${issue.message}`);
    }
  }
  const grouped = [...groups].map(([variable, { path, details }]) =>
    problem(
      variable,
      valueAt(input, path),
      naming.accepts(path),
      details.length === 0 ? undefined : details.join('; '),
    ),
  );
  return [...grouped, ...unknown];
}
