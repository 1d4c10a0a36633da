import { Writable } from 'node:stream';

/** Everything an app logged (pino JSON lines), kept to assert on and to scan for secrets. */
export interface LogCapture {
  /** The pino stream to give `Fastify({ logger: { stream } })`. */
  stream: Writable;
  /** All output so far, as one string. */
  text(): string;
  /** All output so far, parsed line by line. */
  lines(): Array<Record<string, unknown>>;
}

/** A capture of pino output in memory. */
export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const text = () => chunks.join('');
  return {
    stream,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
