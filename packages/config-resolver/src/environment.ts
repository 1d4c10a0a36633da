import { environmentText } from './fields.js';
import { show } from './problems.js';
import type { Environment } from './types.js';

/** The candidates for the environment, highest precedence first. */
export interface EnvironmentSources {
  /** `options.environment`, validated. */
  readonly option: Environment | undefined;
  /** `ENVIRONMENT`, validated. */
  readonly ENVIRONMENT: Environment | undefined;
  /** `NODE_ENV`, raw. */
  readonly NODE_ENV: string | undefined;
  /** `RAILWAY_ENVIRONMENT_NAME`, raw. */
  readonly RAILWAY_ENVIRONMENT_NAME: string | undefined;
}

/** The resolved environment and notes on how it was chosen. */
export interface EnvironmentDecision {
  /** The environment. */
  readonly environment: Environment;
  /** How it was chosen. */
  readonly notes: readonly string[];
}

/**
 * options.environment > ENVIRONMENT > NODE_ENV > RAILWAY_ENVIRONMENT_NAME > `development`.
 * An unrecognised NODE_ENV is skipped; an unrecognised Railway name counts as `staging`.
 */
export function resolveEnvironment(sources: EnvironmentSources): EnvironmentDecision {
  const notes: string[] = [];
  const candidates: [string, string | undefined][] = [
    ['options.environment', sources.option],
    ['ENVIRONMENT', sources.ENVIRONMENT],
    ['NODE_ENV', sources.NODE_ENV],
    ['RAILWAY_ENVIRONMENT_NAME', sources.RAILWAY_ENVIRONMENT_NAME],
  ];
  for (const [source, raw] of candidates) {
    if (raw === undefined) continue;
    const parsed = environmentText.safeParse(raw);
    if (parsed.success) {
      notes.push(`environment ${parsed.data} (from ${source})`);
      return { environment: parsed.data, notes };
    }
    if (source === 'RAILWAY_ENVIRONMENT_NAME') {
      notes.push(
        `${source} ${show(raw, source)} is not an environment name; treating it as staging`,
      );
      return { environment: 'staging', notes };
    }
    notes.push(`${source} ${show(raw, source)} is not an environment name; ignored`);
  }
  notes.push(
    'environment development (default: no ENVIRONMENT, NODE_ENV or RAILWAY_ENVIRONMENT_NAME)',
  );
  return { environment: 'development', notes };
}
