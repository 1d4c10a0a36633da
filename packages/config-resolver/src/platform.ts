import { existsSync } from 'node:fs';
import type { ExistsFn, Platform } from './types.js';

/** Files whose existence means the process runs in a container (Docker, Podman). */
export const CONTAINER_MARKERS: readonly string[] = ['/.dockerenv', '/run/.containerenv'];

/** Default `exists` hook: `fs.existsSync`. */
export const defaultExists: ExistsFn = (path) => existsSync(path);

/** The detected platform and why. */
export interface PlatformDecision {
  /** The platform. */
  readonly platform: Platform;
  /** Why, as a note. */
  readonly note: string;
}

/** Railway (`RAILWAY_*`) > Heroku (`DYNO`) > Kubernetes (`KUBERNETES_SERVICE_HOST`) > container marker file > host. */
export function detectPlatform(
  env: Readonly<Record<string, string | undefined>>,
  exists: ExistsFn,
): PlatformDecision {
  const railway = Object.keys(env).find((name) => name.startsWith('RAILWAY_'));
  if (railway !== undefined)
    return { platform: 'railway', note: `platform railway (${railway} is set)` };
  if (env.DYNO !== undefined) return { platform: 'heroku', note: 'platform heroku (DYNO is set)' };
  if (env.KUBERNETES_SERVICE_HOST !== undefined) {
    return { platform: 'kubernetes', note: 'platform kubernetes (KUBERNETES_SERVICE_HOST is set)' };
  }
  const marker = CONTAINER_MARKERS.find((path) => exists(path));
  if (marker !== undefined)
    return { platform: 'docker', note: `platform docker (${marker} exists)` };
  return { platform: 'host', note: 'platform host (no container or platform markers)' };
}
