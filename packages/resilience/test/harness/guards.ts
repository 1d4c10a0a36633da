/**
 * Counts unhandled rejections and uncaught exceptions for the whole test file: a fault
 * scenario passes only when the plugin let none of them escape (`escaped()` stays empty).
 */
const seen: string[] = [];
process.on('unhandledRejection', (reason) => {
  seen.push(`unhandledRejection: ${String((reason as Error)?.stack ?? reason)}`);
});
process.on('uncaughtExceptionMonitor', (error) => {
  seen.push(`uncaughtException: ${error.stack ?? error.message}`);
});

/** What escaped so far (empty when nothing did). */
export function escaped(): readonly string[] {
  return seen;
}
