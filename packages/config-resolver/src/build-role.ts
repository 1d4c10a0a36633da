import { isIP } from 'node:net';
import { modeOf } from './endpoint.js';
import { familyOf } from './hostname.js';
import { hostPort, shareKeyOf, userPart } from './identity.js';
import type { RoleDraft } from './roles.js';
import { compact, type Sourced } from './sourced.js';
import type { NodeAddress, RedisOptions, ResolvedRole, TlsOptions } from './types.js';

type Connection = {
  readonly redis: RedisOptions;
  readonly endpoint: string;
  readonly nodes?: NodeAddress[];
};

/** Turns a draft into the final role: hosts mapped, TLS loaded, ioredis options, endpoint and shareKey. */
export function buildRole(
  draft: RoleDraft,
  mapHost: (host: string) => string,
  pem: ReadonlyMap<string, string>,
): ResolvedRole {
  const { endpoint } = draft;
  const mode = modeOf(endpoint);
  const pemOf = (source: Sourced<string> | undefined) =>
    source === undefined ? undefined : pem.get(source.value);
  const tcpHost = mode === 'standalone' && endpoint.path === undefined;
  const tls: TlsOptions | undefined = endpoint.tls
    ? {
        ...compact({
          ca: pemOf(draft.tlsCa),
          cert: pemOf(draft.tlsCert),
          key: pemOf(draft.tlsKey),
          servername: tcpHost && isIP(endpoint.host) === 0 ? endpoint.host : undefined,
        }),
        rejectUnauthorized: draft.rejectUnauthorized.value,
      }
    : undefined;
  const common = {
    ...compact({ username: endpoint.username, password: endpoint.password }),
    db: endpoint.db.value,
    ...compact({ tls, connectionName: draft.connectionName }),
  };
  const scheme = (plain: string) => (tls === undefined ? plain : `${plain}s`);
  const user = userPart(endpoint.username);
  const nodesOf = (nodes: readonly NodeAddress[]) =>
    nodes.map((node) => ({ ...node, host: mapHost(node.host) }));
  let connection: Connection;
  if (endpoint.sentinels !== undefined) {
    const sentinels = nodesOf(endpoint.sentinels.value).map((node) => ({
      ...node,
      family: familyOf([node.host]),
    }));
    connection = {
      redis: {
        sentinels,
        name: endpoint.sentinelName,
        ...compact({ sentinelPassword: endpoint.sentinelPassword }),
        family: familyOf(sentinels.map((node) => node.host)),
        ...common,
      },
      endpoint: `${scheme('sentinel')}://${user}${sentinels.map(hostPort).join(',')}/${encodeURIComponent(endpoint.sentinelName)}/${endpoint.db.value}`,
    };
  } else if (endpoint.cluster !== undefined) {
    const nodes = nodesOf(endpoint.cluster.value);
    connection = {
      redis: { family: familyOf(nodes.map((node) => node.host)), ...common },
      nodes,
      endpoint: `${scheme('cluster')}://${user}${nodes.map(hostPort).join(',')}`,
    };
  } else if (endpoint.path !== undefined) {
    connection = {
      redis: { path: endpoint.path, ...common },
      endpoint: `unix://${user === '' ? '' : `${user}localhost`}${endpoint.path}?db=${endpoint.db.value}`,
    };
  } else {
    const host = mapHost(endpoint.host);
    connection = {
      redis: { host, port: endpoint.port, family: familyOf([host]), ...common },
      endpoint: `${scheme('redis')}://${user}${hostPort({ host, port: endpoint.port })}/${endpoint.db.value}`,
    };
  }
  return {
    name: draft.name,
    mode,
    endpoint: connection.endpoint,
    shareKey: shareKeyOf(connection.endpoint, {
      mode,
      redis: connection.redis,
      nodes: connection.nodes,
    }),
    redis: connection.redis,
    ...compact({ nodes: connection.nodes }),
    poolSize: draft.poolSize,
    connectTimeoutMs: draft.connectTimeoutMs,
    commandTimeoutMs: draft.commandTimeoutMs,
    retryOnTimeout: draft.retryOnTimeout,
    keyPrefix: draft.keyPrefix,
  };
}
