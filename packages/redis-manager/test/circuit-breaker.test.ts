import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { type BreakerState, CircuitBreaker } from '../src/circuit-breaker.js';

t.test(
  'opens after consecutive failures, half-opens after the cooldown, closes on success',
  async (t) => {
    const states: BreakerState[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 30 }, (s) =>
      states.push(s),
    );
    t.teardown(() => breaker.dispose());
    breaker.failure();
    breaker.failure();
    breaker.success();
    breaker.failure();
    breaker.failure();
    t.equal(breaker.state, 'closed', 'a success resets the count');
    breaker.failure();
    t.equal(breaker.state, 'open');
    breaker.failure();
    await sleep(50);
    t.equal(breaker.state, 'half-open');
    breaker.failure();
    t.equal(breaker.state, 'open', 'a failed probe re-opens at once');
    await sleep(50);
    breaker.success();
    t.equal(breaker.state, 'closed');
    t.same(states, ['open', 'half-open', 'open', 'half-open', 'closed']);
  },
);

t.test('defaults, forced open, and dispose stops the cooldown', async (t) => {
  const states: BreakerState[] = [];
  const breaker = new CircuitBreaker({}, (s) => states.push(s));
  for (let i = 0; i < 4; i++) breaker.failure();
  t.equal(breaker.state, 'closed', 'five failures by default');
  breaker.failure();
  t.equal(breaker.state, 'open');
  breaker.open();
  t.same(states, ['open'], 'opening an open breaker again only restarts the cooldown');
  breaker.dispose();
  await sleep(1_100);
  t.equal(breaker.state, 'open');
});
