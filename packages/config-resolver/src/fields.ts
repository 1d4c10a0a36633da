import { isIP } from 'node:net';
import { z } from 'zod';
import type { Environment, NodeAddress } from './types.js';

/** Largest delay `setTimeout` honours. */
export const MAX_MS = 2_147_483_647;

const HOSTNAME = /^(?!.*\.\.)[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?$/i;
const NODE = /^(\[[^\]]*\]|[^:[\]]*)(?::(.*))?$/;
const ALIAS = /^([^=]*)=(.*)$/;

const ENVIRONMENT_NAMES: Readonly<Record<string, Environment>> = {
  development: 'development',
  dev: 'development',
  test: 'test',
  staging: 'staging',
  production: 'production',
  prod: 'production',
};

/** Fails the parse with `message` shown after what the variable accepts (never echo input in it). */
export function addDetail(ctx: z.RefinementCtx, input: string, message: string): void {
  ctx.issues.push({ code: 'custom', input, message, params: { detail: true } });
}

function isHost(raw: string): boolean {
  const inner = /^\[(.*)\]$/.exec(raw)?.[1];
  return inner === undefined ? isIP(raw) !== 0 || HOSTNAME.test(raw) : isIP(inner) === 6;
}

/** A hostname or IP address (IPv6 with or without brackets), lower-cased, brackets removed. */
export const hostSchema = z
  .string()
  .refine(isHost, { error: 'not a hostname or IP address' })
  .transform((host) => host.replace(/^\[(.*)\]$/, '$1').toLowerCase());

/** An integer in `min..max`, as a number. */
export function intNumber(min: number, max: number) {
  return z.number().int().min(min).max(max);
}

/** An integer in `min..max`, as decimal text. */
export function intText(min: number, max: number) {
  return z
    .string()
    .regex(/^[+-]?\d+$/)
    .transform(Number)
    .pipe(intNumber(min, max));
}

/** A port as decimal text. */
export const portText = intText(1, 65535);

/** A database number as decimal text. */
export const dbText = intText(0, 15);

/** `true/false/1/0/yes/no/on/off`, any letter case. */
export const boolText = z.stringbool({
  truthy: ['true', '1', 'yes', 'on'],
  falsy: ['false', '0', 'no', 'off'],
});

/** An environment name or alias, any letter case, as its canonical name. */
export const environmentText = z
  .string()
  .toLowerCase()
  .pipe(z.enum(Object.keys(ENVIRONMENT_NAMES)))
  .transform((name) => ENVIRONMENT_NAMES[name] as Environment);

/** `auto`, `memory` or `off`, any letter case. */
export const fallbackText = z
  .string()
  .toLowerCase()
  .pipe(z.enum(['auto', 'memory', 'off']));

function entries<T extends z.ZodType<unknown, string>>(entry: T) {
  return z
    .string()
    .transform((list) => list.split(',').map((item) => item.trim()))
    .pipe(z.array(entry));
}

function nodeEntry(defaultPort: number) {
  return z.string().transform((entry, ctx): NodeAddress => {
    const match = NODE.exec(entry);
    const host = hostSchema.safeParse(match?.[1]);
    const port = match?.[2] === undefined ? defaultPort : portText.safeParse(match[2]).data;
    if (!host.success) {
      addDetail(
        ctx,
        entry,
        'host is not a hostname or IP address (IPv6 goes in brackets: [::1]:6379)',
      );
    }
    if (port === undefined) {
      addDetail(ctx, entry, 'port is not an integer in 1..65535');
    }
    return { host: host.data ?? '', port: port ?? defaultPort };
  });
}

/** `host:port,...` with a default port, IPv6 in brackets. */
export function nodeListText(defaultPort: number) {
  return entries(nodeEntry(defaultPort));
}

/** `[{ host, port? }]` with a default port; an empty list counts as unset. */
export function nodeListArray(defaultPort: number) {
  return z
    .array(z.strictObject({ host: hostSchema, port: intNumber(1, 65535).optional() }))
    .transform((list) =>
      list.map((node): NodeAddress => ({ ...node, port: node.port ?? defaultPort })),
    );
}

const aliasEntry = z.string().transform((entry, ctx): [string, string] => {
  const match = ALIAS.exec(entry);
  const from = hostSchema.safeParse(match?.[1]?.trim());
  const to = hostSchema.safeParse(match?.[2]?.trim());
  if (!from.success || !to.success) {
    addDetail(ctx, entry, 'not from=to with two hostnames');
  }
  return [from.data ?? '', to.data ?? ''];
});

/** `from=to,...` host rewrites. */
export const aliasListText = entries(aliasEntry);

/** `{ from: to }` host rewrites. */
export const aliasRecord = z
  .record(hostSchema, hostSchema)
  .transform((record) => Object.entries(record));

/** An absolute unix socket path. */
export const socketPath = z.string().regex(/^\/./);

/** A `CLIENT SETNAME` value. */
export const connectionName = z.string().regex(/^\S+$/);
