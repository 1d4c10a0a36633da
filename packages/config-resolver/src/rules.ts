import { z } from 'zod';
import type { Sourced } from './sourced.js';
import type { ConfigProblem, Environment } from './types.js';

/** Sources of the sentinel and cluster settings given at one level (top or one role). */
export interface TopologyFact {
  /** Where sentinels were set, if anywhere. */
  readonly sentinels: string | undefined;
  /** Where cluster nodes were set, if anywhere. */
  readonly cluster: string | undefined;
}

/** Facts about the merged settings that the cross-field rules look at. */
export interface RuleFacts {
  /** Resolved environment. */
  readonly environment: Environment;
  /** Where insecure TLS was allowed, if anywhere. */
  readonly allowInsecure: string | undefined;
  /** Topology settings per level. */
  readonly topologies: readonly TopologyFact[];
  /** Database of each cluster-mode role and where it came from. */
  readonly clusterDbs: readonly Sourced<number>[];
  /** Every variable or option that set certificate verification off. */
  readonly insecure: readonly string[];
}

const rules = z.custom<RuleFacts>().superRefine((facts, ctx) => {
  for (const { sentinels, cluster } of facts.topologies) {
    if (sentinels !== undefined && cluster !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [cluster],
        message: `got both ${sentinels} and ${cluster}, expected either sentinel or cluster nodes, not both`,
      });
    }
  }
  for (const { value, source } of facts.clusterDbs) {
    if (value !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: [source],
        message: `got ${value}, expected 0 in cluster mode (Redis Cluster has only database 0)`,
      });
    }
  }
  if (facts.environment === 'production' && facts.allowInsecure === undefined) {
    for (const source of facts.insecure) {
      ctx.addIssue({
        code: 'custom',
        path: [source],
        message:
          'got false in production, expected true; set REDIS_TLS_ALLOW_INSECURE=true (options.tlsAllowInsecure) to accept unverified certificates',
      });
    }
  }
});

/** Cross-field rules (zod refinements over the merged settings); one problem per variable. */
export function checkRules(facts: RuleFacts): ConfigProblem[] {
  const issues = rules.safeParse(facts).error?.issues ?? [];
  const problems = new Map<string, ConfigProblem>();
  for (const issue of issues) {
    const variable = String(issue.path[0]);
    problems.set(variable, { variable, message: issue.message });
  }
  return [...problems.values()];
}
