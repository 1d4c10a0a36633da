/**
 * Every secret the suite hands to an app or a server (Redis passwords, the TLS key), and every
 * piece of text the suite captured (logs, response bodies, error messages). The last test of
 * each file checks that no capture holds any secret: `assertNoSecrets`.
 */
const secrets = new Set<string>();
const captured: Array<() => string> = [];

/** Registers a secret; returns it, so `const password = secret('...')` reads naturally. */
export function secret(value: string): string {
  secrets.add(value);
  return value;
}

/** Registers text to scan: a function, so logs captured later in a test are scanned too. */
export function scan(text: string | (() => string)): void {
  captured.push(typeof text === 'string' ? () => text : text);
}

/** The secrets found in any captured text (empty when none leaked). */
export function leakedSecrets(): string[] {
  const all = captured.map((read) => read()).join('\n');
  return [...secrets].filter((value) => all.includes(value));
}

/** How much text and how many secrets were scanned, for the test's comment. */
export function scanned(): { secrets: number; bytes: number } {
  return { secrets: secrets.size, bytes: captured.reduce((sum, read) => sum + read().length, 0) };
}
