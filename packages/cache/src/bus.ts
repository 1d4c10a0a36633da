import { randomUUID } from 'node:crypto';
import type { ManagedClient, RedisManager } from '@redis-infra/redis-manager';
import type { RedisTier } from './l2.js';
import { safeJsonParse } from './serializer.js';
import type { Counters } from './stats.js';

/** What instances tell each other. Keys and tags are full Redis keys. */
export type BusMessage =
  /** These keys were written (`s`) or deleted (`d`): drop them from L1. */
  | { op: 's' | 'd'; keys: string[] }
  /** Every key starting with `prefix` was deleted (`clear()`). */
  | { op: 'c'; prefix: string }
  /** These tags have new versions (`0`: unknown, look it up). */
  | { op: 't'; tags: Array<[string, number]> };

/** What the bus tells its cache. */
export interface BusHost {
  /** A message from another instance, in order. */
  apply(message: BusMessage): void;
  /** Messages may have been lost: L1 can no longer be trusted. */
  desync(): void;
}

/** Channels a subscriber connection listens to, and for how many buses (shared per endpoint). */
const listeners = new WeakMap<ManagedClient, Map<string, number>>();

/** The last sequence number seen of another instance, and when. */
interface Peer {
  seq: number;
  seenAt: number;
}

/**
 * The invalidation bus: Redis pub/sub on one channel per key prefix. Every message carries
 * this instance's id and its next sequence number; a receiver that sees a number skipped
 * (also in the periodic heartbeat, which repeats the last number) lost a message and drops
 * its L1. So does one whose subscription comes back after a reconnect.
 */
export class Bus {
  /** This instance's id. */
  readonly id = randomUUID();
  readonly #redis: RedisTier;
  readonly #subscriber: ManagedClient;
  readonly #channel: string;
  readonly #stats: Counters;
  readonly #host: BusHost;
  readonly #heartbeatMs: number;
  readonly #peers = new Map<string, Peer>();
  #seq = 0;
  #queue: string[] = [];
  #sending = false;
  #connected = false;
  #subscribedOnce = false;
  #closed = false;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(
    manager: RedisManager,
    redis: RedisTier,
    channel: string,
    heartbeatMs: number,
    stats: Counters,
    host: BusHost,
  ) {
    this.#redis = redis;
    this.#subscriber = manager.subscriber(redis.role);
    this.#channel = channel;
    this.#heartbeatMs = heartbeatMs;
    this.#stats = stats;
    this.#host = host;
  }

  /** Whether the subscription is up now. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Subscribes and starts the heartbeat. */
  start(): void {
    const subscriber = this.#subscriber;
    subscriber.on('message', this.#onMessage);
    subscriber.on('ready', this.#onReady);
    subscriber.on('close', this.#onClose);
    const channels = listeners.get(subscriber) ?? new Map<string, number>();
    listeners.set(subscriber, channels);
    channels.set(this.#channel, (channels.get(this.#channel) ?? 0) + 1);
    this.#subscribe();
    if (this.#heartbeatMs > 0) {
      this.#heartbeat = setInterval(() => this.#beat(), this.#heartbeatMs);
      this.#heartbeat.unref();
    }
  }

  /**
   * Sends `message` to the other instances, best effort: a failure is counted and shows as a
   * gap to them. One PUBLISH at a time (messages queued meanwhile go together in the next),
   * so that they reach Redis in order even over several pooled connections.
   */
  publish(message: BusMessage): void {
    const data =
      message.op === 'c' ? message.prefix : message.op === 't' ? message.tags : message.keys;
    this.#queue.push(JSON.stringify([++this.#seq, message.op, data]));
    if (!this.#sending) this.#flush();
  }

  /** Stops the heartbeat and leaves the channel (when no other bus of this process listens to it). */
  close(): void {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    const subscriber = this.#subscriber;
    subscriber.off('message', this.#onMessage);
    subscriber.off('ready', this.#onReady);
    subscriber.off('close', this.#onClose);
    const channels = listeners.get(subscriber) as Map<string, number>;
    const count = (channels.get(this.#channel) as number) - 1;
    if (count > 0) channels.set(this.#channel, count);
    else {
      channels.delete(this.#channel);
      subscriber.unsubscribe(this.#channel).catch(() => this.#stats.busErrors++);
    }
  }

  #flush(): void {
    const parts = this.#queue;
    if (parts.length === 0) return;
    this.#queue = [];
    if (!this.#redis.available()) {
      this.#stats.busErrors++;
      return;
    }
    this.#sending = true;
    this.#redis.publish(this.#channel, `[${JSON.stringify(this.id)},${parts.join(',')}]`).then(
      () => this.#sent(true),
      () => this.#sent(false),
    );
  }

  #sent(ok: boolean): void {
    if (ok) this.#stats.published++;
    else this.#stats.busErrors++;
    this.#sending = false;
    this.#flush();
  }

  /** Subscribes; once the subscription holds, whatever L1 holds may predate it: drop it. */
  #subscribe(): void {
    this.#subscriber.subscribe(this.#channel).then(
      () => {
        if (this.#closed) return;
        this.#connected = true;
        this.#peers.clear();
        this.#subscribedOnce = true;
        this.#host.desync();
      },
      () => this.#stats.busErrors++,
    );
  }

  /** The subscriber connection is back (ioredis resubscribes too): messages were lost meanwhile. */
  readonly #onReady = (): void => {
    if (this.#subscribedOnce) this.#subscribe();
  };

  readonly #onClose = (): void => {
    this.#connected = false;
  };

  #beat(): void {
    const stale = Date.now() - 3 * this.#heartbeatMs;
    for (const [id, peer] of this.#peers) if (peer.seenAt < stale) this.#peers.delete(id);
    this.#queue.push(JSON.stringify([this.#seq, 'h']));
    if (!this.#sending) this.#flush();
  }

  readonly #onMessage = (channel: string, text: string): void => {
    if (channel !== this.#channel) return;
    const batch = parse(text);
    if (!batch || batch.id === this.id) return;
    const { id, entries } = batch;
    this.#stats.received += entries.length;
    for (const { seq, message } of entries) {
      const peer = this.#peers.get(id);
      // A heartbeat repeats the last number; any other message takes the next one.
      const expected = peer && (message ? peer.seq + 1 : peer.seq);
      this.#peers.set(id, { seq, seenAt: Date.now() });
      if (expected !== undefined && seq !== expected) {
        this.#stats.gaps++;
        this.#host.desync();
      } else if (message) this.#host.apply(message);
    }
  };
}

/** One numbered message of a batch; `message` is absent for a heartbeat. */
export interface BusEntry {
  seq: number;
  message: BusMessage | undefined;
}

/**
 * A well-formed batch from `text` (`[id, [seq, op, data], ...]`), or `undefined`:
 * anything else on the channel is ignored.
 */
export function parse(text: string): { id: string; entries: BusEntry[] } | undefined {
  let value: unknown;
  try {
    value = safeJsonParse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || typeof value[0] !== 'string') return undefined;
  const entries: BusEntry[] = [];
  for (const item of value.slice(1)) {
    if (!Array.isArray(item) || !Number.isSafeInteger(item[0])) return undefined;
    const message = toMessage(item[1], item[2]);
    if (message === null) return undefined;
    entries.push({ seq: item[0] as number, message });
  }
  return { id: value[0], entries };
}

/** The message of `op` and `data`; `undefined` for a heartbeat; `null` when malformed. */
function toMessage(op: unknown, data: unknown): BusMessage | undefined | null {
  switch (op) {
    case 'h':
      return undefined;
    case 's':
    case 'd':
      return isStrings(data) ? { op, keys: data } : null;
    case 'c':
      return typeof data === 'string' ? { op, prefix: data } : null;
    case 't':
      return Array.isArray(data) && data.every(isTagVersion)
        ? { op, tags: data as Array<[string, number]> }
        : null;
    default:
      return null;
  }
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isTagVersion(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'string' &&
    Number.isSafeInteger(value[1])
  );
}
