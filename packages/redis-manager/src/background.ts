/** Does nothing: for a rejection or an event whose failure is reported elsewhere. */
export const noop = (): void => {};

/**
 * Starts connecting `client` without waiting: a failure reaches the endpoint through the
 * client's `error` event (and its reconnects), not through this promise.
 */
export function connectInBackground(client: { connect(): Promise<unknown> }): void {
  client.connect().catch(noop);
}
