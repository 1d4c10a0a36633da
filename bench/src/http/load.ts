import autocannon from 'autocannon';

/** One autocannon run against `url`. */
export interface Load {
  url: string;
  connections: number;
  seconds: number;
}

/**
 * Loads `url` with `connections` keep-alive connections for `seconds` and resolves with
 * completed requests per second. Any error, timeout or non-2xx answer fails the run: a
 * contender that rejects or breaks must not pass for a fast one.
 */
export async function requestsPerSecond(load: Load): Promise<number> {
  const result = await autocannon({
    url: load.url,
    connections: load.connections,
    duration: load.seconds,
  });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(
      `@redis-infra/bench: ${load.url} answered ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return result.requests.total / result.duration;
}
