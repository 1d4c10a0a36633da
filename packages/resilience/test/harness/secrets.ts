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

/**
 * Which of `values` `text` contains (empty when none does), named by position and length,
 * never quoted: a failed assertion prints what it found, and a CI log must not hold a secret.
 */
export function leaked(text: string, values: readonly string[]): string[] {
  return values.flatMap((value, i) =>
    text.includes(value)
      ? [`secret ${i + 1} of ${values.length} (${value.length} characters)`]
      : [],
  );
}

/** The secrets found in any captured text (empty when none leaked), named as `leaked` does. */
export function leakedSecrets(): string[] {
  return leaked(captured.map((read) => read()).join('\n'), [...secrets]);
}

/** How much text and how many secrets were scanned, for the test's comment. */
export function scanned(): { secrets: number; bytes: number } {
  return { secrets: secrets.size, bytes: captured.reduce((sum, read) => sum + read().length, 0) };
}
