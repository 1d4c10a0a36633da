/**
 * Runs `callers` concurrent loops, each awaiting `opsPerCaller` calls of `op` one after the
 * other, and resolves with operations per second over the whole batch. A fixed amount of
 * work per round (not a fixed time), so every contender does exactly the same operations.
 */
export async function opsPerSecond(
  callers: number,
  opsPerCaller: number,
  op: (caller: number, index: number) => Promise<unknown>,
): Promise<number> {
  const loop = async (caller: number): Promise<void> => {
    for (let index = 0; index < opsPerCaller; index++) await op(caller, index);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: callers }, (_, caller) => loop(caller)));
  const seconds = (performance.now() - started) / 1000;
  return (callers * opsPerCaller) / seconds;
}
