import { createHmac, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { NodeAddress } from './types.js';

const HMAC_KEY = randomBytes(32);

/** `host:port`, IPv6 in brackets. */
export function hostPort(node: NodeAddress): string {
  return `${isIP(node.host) === 6 ? `[${node.host}]` : node.host}:${node.port}`;
}

/** `user@` for endpoint strings, or `''`. */
export function userPart(username: string | undefined): string {
  return username === undefined ? '' : `${encodeURIComponent(username)}@`;
}

/**
 * `endpoint#hmac`: equal only when every connection setting, secrets included, is equal.
 * The HMAC key is random per process, so the value reveals nothing about the secrets.
 */
export function shareKeyOf(endpoint: string, connection: unknown): string {
  const digest = createHmac('sha256', HMAC_KEY).update(JSON.stringify(connection)).digest('hex');
  return `${endpoint}#${digest.slice(0, 16)}`;
}
