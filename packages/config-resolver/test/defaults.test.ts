import t from 'tap';
import { DEFAULTS } from '../src/defaults.js';
import { VARIABLES } from '../src/variables.js';

t.test('DEFAULTS is frozen and matches the documented defaults', async (t) => {
  t.ok(Object.isFrozen(DEFAULTS));
  const documented = Object.fromEntries(
    VARIABLES.map((variable) => [variable.option, variable.default]),
  );
  const expected: Record<string, string> = {
    environment: `\`${DEFAULTS.environment}\``,
    host: `\`${DEFAULTS.host}\``,
    port: `\`${DEFAULTS.port}\``,
    db: `\`${DEFAULTS.db}\``,
    sentinelName: `\`${DEFAULTS.sentinelName}\``,
    tlsRejectUnauthorized: `\`${DEFAULTS.tlsRejectUnauthorized}\``,
    poolSize: `\`${DEFAULTS.poolSize}\``,
    connectTimeoutMs: `\`${DEFAULTS.connectTimeoutMs}\``,
    commandTimeoutMs: `\`${DEFAULTS.commandTimeoutMs}\``,
    retryOnTimeout: `\`${DEFAULTS.retryOnTimeout}\``,
    healthCheckIntervalMs: `\`${DEFAULTS.healthCheckIntervalMs}\``,
    keyPrefix: "`''`",
    fallback: `\`${DEFAULTS.fallback}\``,
  };
  for (const [option, text] of Object.entries(expected)) t.equal(documented[option], text, option);
});
