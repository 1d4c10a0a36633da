import type { RedisServerOptions } from './redis-server.js';
import type { TlsFiles } from './tls.js';

/** Builds the config lines of a data server (not a sentinel) from its options. */
export function configLines(
  port: number,
  dir: string,
  options: RedisServerOptions,
  tls: TlsFiles | undefined,
  busPort: number | undefined,
): string[] {
  const lines = [...baseConfig(dir), 'save ""', 'appendonly no', 'enable-debug-command yes'];
  if (tls) {
    lines.push(
      'port 0',
      `tls-port ${port}`,
      `tls-cert-file ${tls.serverCertFile}`,
      `tls-key-file ${tls.serverKeyFile}`,
      `tls-ca-cert-file ${tls.caFile}`,
      `tls-auth-clients ${typeof options.tls === 'object' && options.tls.clientAuth ? 'yes' : 'no'}`,
      `tls-replication yes`,
      `tls-cluster yes`,
    );
  } else {
    lines.push(`port ${port}`);
  }
  if (options.password) lines.push(`requirepass ${quote(options.password)}`);
  for (const user of options.users ?? []) {
    lines.push(`user ${user.name} on >${user.password} ${user.rules ?? '~* &* +@all'}`);
  }
  const master = options.replicaOf;
  if (master) {
    lines.push(`replicaof ${master.host} ${master.port}`);
    if (master.password) lines.push(`masterauth ${quote(master.password)}`);
  }
  if (busPort) {
    lines.push(
      'cluster-enabled yes',
      'cluster-config-file nodes.conf',
      'cluster-node-timeout 1500',
      `cluster-port ${busPort}`,
    );
  }
  lines.push(...(options.config ?? []));
  return lines;
}

/** Config lines every server gets, sentinels included. */
export function baseConfig(dir: string): string[] {
  return ['bind 127.0.0.1', `dir ${dir}`, 'daemonize no', 'logfile ""', 'protected-mode no'];
}

/** Quotes a config value for redis.conf. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
