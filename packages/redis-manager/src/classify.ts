import { type ResolvedRole, redactText } from '@redis-infra/config-resolver';
import type { ConnectFailure } from './errors.js';

/** The secrets of a role, for redacting anything that may echo them. */
export function secretsOf(role: ResolvedRole): string[] {
  const { password, sentinelPassword, tls } = role.redis;
  return [password, sentinelPassword, tls?.key].filter((s): s is string => typeof s === 'string');
}

/** `error`'s message with URL passwords and the role's secrets replaced. */
export function redactedMessage(error: unknown, role: ResolvedRole): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactText(message, { secrets: secretsOf(role) });
}

/** Why a connection attempt failed, from the error ioredis or the socket gave. */
export function classifyConnectError(error: unknown): ConnectFailure {
  const { code = '', message = '' } = (error ?? {}) as { code?: string; message?: string };
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'not-found';
  if (
    /WRONGPASS|NOAUTH|invalid password|invalid username-password|AUTH failed|NOPERM/i.test(message)
  )
    return 'auth';
  if (/certificate|self[- ]signed|SSL|TLS|ERR_TLS|handshake/i.test(`${code} ${message}`))
    return 'tls';
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(message)) return 'timeout';
  return 'unknown';
}

/**
 * Whether a failed command says something about Redis' availability (a lost connection,
 * a timeout, a server that cannot serve) rather than about the command (WRONGTYPE, a
 * script error): only the former count against the breaker.
 */
export function isAvailabilityFailure(error: unknown): boolean {
  if ((error as { name?: string } | null)?.name !== 'ReplyError') return true;
  return /^(LOADING|READONLY|CLUSTERDOWN|MASTERDOWN|TRYAGAIN|BUSY)\b/.test(
    (error as Error).message,
  );
}
