/** An error of the plugin itself (`code` is stable). */
export class RedisInfraPluginError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(`fastify-redis-infra: ${message}`);
    this.name = 'RedisInfraPluginError';
    this.code = code;
  }
}

/** The plugin was registered twice on one Fastify instance (`E_ALREADY_REGISTERED`). */
export class AlreadyRegisteredError extends RedisInfraPluginError {
  constructor() {
    super(
      'E_ALREADY_REGISTERED',
      'registered twice: register it once, at the root (its decorators are shared by every plugin)',
    );
    this.name = 'AlreadyRegisteredError';
  }
}
