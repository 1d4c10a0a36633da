import { cpus, loadavg, platform, release } from 'node:os';
import { redisServerVersion } from '@redis-infra/testing';

/** Where a run happened: every figure only means something next to these. */
export interface Environment {
  node: string;
  /** `redis-server --version` of the server the bench started. */
  redis: string;
  cpu: string;
  cores: number;
  os: string;
  date: string;
  /** 1-minute load average when the run started (compare with `cores`: a busy machine blurs every figure). */
  loadAtStart: number;
  /** 1-minute load average when the run ended (set by the runner). */
  loadAtEnd?: number;
}

/** The 1-minute load average now, two decimals. */
export function loadNow(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

/** Describes this machine. */
export async function environment(): Promise<Environment> {
  const list = cpus();
  return {
    node: process.version,
    redis: (await redisServerVersion()).trim(),
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    os: `${platform()} ${release()}`,
    date: new Date().toISOString(),
    loadAtStart: loadNow(),
  };
}
