export type { ClusterNodeInfo, ClusterOptions, ClusterTopology } from './cluster.js';
export { parseClusterNodes, startCluster } from './cluster.js';
export {
  RedisServerNotFoundError,
  ServerStartError,
  TestingError,
  WaitTimeoutError,
} from './errors.js';
export { freePort } from './free-port.js';
export type { Owner, Scope } from './owner.js';
export { createScope } from './owner.js';
export { redisServerBinary, redisServerVersion } from './redis-binary.js';
export type { AclUser, ConnectionInfo, LaunchPlan, RedisServerOptions } from './redis-server.js';
export { launch, RedisServer, startRedis } from './redis-server.js';
export type { Replication } from './replication.js';
export { startReplication, waitForSync } from './replication.js';
export type { SentinelOptions, SentinelTopology } from './sentinel.js';
export { startSentinel } from './sentinel.js';
export type { ProxyTarget } from './tcp-proxy.js';
export { startProxy, TcpProxy } from './tcp-proxy.js';
export type { Timed } from './timed.js';
export { timed } from './timed.js';
export type { TlsFiles } from './tls.js';
export { foreignCa, tlsFiles } from './tls.js';
export type { WaitOptions } from './wait.js';
export { waitFor } from './wait.js';
