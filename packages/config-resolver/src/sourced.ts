/** A value and the variable or option it came from. */
export interface Sourced<T> {
  /** The value. */
  readonly value: T;
  /** Environment variable or option path, e.g. `REDIS_URL` or `options.roles.cache.url`. */
  readonly source: string;
}

/** The first defined candidate, with its source. */
export function firstOf<T>(
  ...candidates: ReadonlyArray<readonly [T | undefined, string]>
): Sourced<T> | undefined {
  for (const [value, source] of candidates) {
    if (value !== undefined) return { value, source };
  }
  return undefined;
}

/** A copy without the keys whose value is `undefined` (for `exactOptionalPropertyTypes`). */
export function compact<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
