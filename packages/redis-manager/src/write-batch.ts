import type { Command } from 'ioredis';

/** What the batching needs of a socket (net and TLS sockets alike). */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * Auto-pipelining, the cheap way, for one pooled connection. The commands called in one
 * event-loop turn go out in one write: the socket is corked at the first of them and
 * uncorked after the turn's I/O (`setImmediate`). One batch is in flight at a time: the
 * commands called while it awaits its replies wait here, and go out together once its last
 * reply is in (as ioredis' own auto-pipelining does). Besides making fewer, larger batches,
 * that keeps what the deadline sweep relies on: a connection whose path is slow goes silent
 * for as long as it is slow, where batches written back to back would keep late replies
 * trickling in all the time. ioredis' auto-pipelining costs a pipeline object per batch and
 * a promise and a `nextTick` per command; this costs two closures per batch (see `#watch`).
 */
export class WriteBatch {
  readonly #send: (command: Command) => unknown;
  readonly #socket: () => Corkable;
  /** The socket corked for the batch of this turn. */
  #corked: Corkable | undefined;
  /** The last command of this turn's batch. */
  #last: Command | undefined;
  /** A written batch awaits its last reply. */
  #inFlight = false;
  /** Commands called while a batch was in flight. */
  #waiting: Command[] = [];

  /** `send` writes a command (ioredis' own `sendCommand`); `socket` is the connection's current one. */
  constructor(send: (command: Command) => unknown, socket: () => Corkable) {
    this.#send = send;
    this.#socket = socket;
  }

  /** Commands waiting for the batch in flight. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Sends `command` with this turn's batch, or keeps it for the next one while a batch is in flight. */
  add(command: Command): unknown {
    if (this.#inFlight) {
      this.#waiting.push(command);
      return command.promise;
    }
    if (this.#corked === undefined) {
      const socket = this.#socket();
      socket.cork();
      this.#corked = socket;
      setImmediate(this.#flush);
    }
    this.#last = command;
    return this.#send(command);
  }

  /**
   * Takes out the waiting commands that `expired` says are past their deadline: those at the
   * head of the wait, which is in call order. They are never written.
   */
  takeExpired(expired: (command: Command) => boolean): Command[] {
    const waiting = this.#waiting;
    let count = 0;
    while (count < waiting.length && expired(waiting[count] as Command)) count++;
    return waiting.splice(0, count);
  }

  /** Takes out every waiting command (to write them, or, the connection lost, to fail them). */
  takeAll(): Command[] {
    const waiting = this.#waiting;
    this.#waiting = [];
    return waiting;
  }

  /**
   * Writes the waiting commands now, ahead of a command that cannot wait with them (an
   * explicit pipeline's, which ioredis writes itself), so that commands reach Redis in the
   * order they were called.
   */
  release(): void {
    for (const command of this.takeAll()) this.#send(command);
  }

  readonly #flush = (): void => {
    (this.#corked as Corkable).uncork();
    this.#corked = undefined;
    const last = this.#last as Command & { isSettled: boolean };
    this.#last = undefined;
    // Settled already (refused by a socket that was closing): nothing is in flight.
    if (last.isSettled) return;
    this.#inFlight = true;
    this.#watch(last);
  };

  /**
   * Ends the flight once `last` is answered or failed: watched on the command itself, not on
   * its promise, which ioredis may chain to a later command (a script's `EVAL` after
   * `NOSCRIPT`) that would then wait here for the flight it ends.
   */
  #watch(last: Command): void {
    const { resolve, reject } = last;
    let done = false;
    const answered = () => {
      if (done) return; // a retried read may be answered twice (its retry, the late reply)
      done = true;
      this.#answered();
    };
    last.resolve = (value) => {
      resolve(value);
      answered();
    };
    last.reject = (error) => {
      reject(error);
      answered();
    };
  }

  /**
   * The batch in flight is answered (or failed): the commands that waited for it go out, as
   * the next batch. (A lost connection has taken them out first: see `takeAll`.)
   */
  #answered(): void {
    this.#inFlight = false;
    for (const command of this.takeAll()) this.add(command);
  }
}
