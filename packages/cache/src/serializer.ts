import secureJsonParse from 'secure-json-parse';
import type { Serializer } from './types.js';

const SAFE = { protoAction: 'remove', constructorAction: 'remove' } as const;

/** Parses JSON, dropping `__proto__` and `constructor.prototype` keys: stored data can never reach a prototype. */
export function safeJsonParse(text: string): unknown {
  return secureJsonParse(text, null, SAFE);
}

/** The default serializer: `JSON.stringify`, and `secure-json-parse` to read. */
export const jsonSerializer: Serializer = Object.freeze({
  serialize: (value: unknown): string => JSON.stringify(value),
  deserialize: safeJsonParse,
});
