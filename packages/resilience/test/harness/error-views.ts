import { inspect } from 'node:util';
import { scan } from './secrets.js';

/**
 * Every way an error reaches a person: `message`, `stack`, `String(error)`,
 * `JSON.stringify(error)` and `util.inspect` (own and hidden properties, the whole `cause`
 * chain), joined. The text is registered with `scan`, so the file's final secrets check
 * covers it too.
 */
export function errorViews(error: unknown): string {
  const { message, stack } = (error ?? {}) as { message?: unknown; stack?: unknown };
  const text = [
    String(message),
    String(stack),
    String(error),
    JSON.stringify(error) ?? '',
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  ].join('\n');
  scan(text);
  return text;
}
