import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { type BreakerState, CircuitBreaker } from '../src/circuit-breaker.js';

t.test(
  'opens when failures dominate, half-opens after the cooldown, closes on success',
  async (t) => {
    const states: BreakerState[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 30 }, (s) =>
      states.push(s),
    );
    t.teardown(() => breaker.dispose());
    breaker.failure(2, 2);
    t.equal(breaker.state, 'closed', 'below the threshold');
    breaker.failure(3, 100);
    t.equal(breaker.state, 'closed', 'a few failures among many successes');
    breaker.failure(3, 6);
    t.equal(breaker.state, 'open', 'half of what was sent failed');
    breaker.failure(4, 6);
    await sleep(50);
    t.equal(breaker.state, 'half-open');
    breaker.failure(0, 0);
    t.equal(breaker.state, 'open', 'a failed probe re-opens at once');
    await sleep(50);
    breaker.success();
    t.equal(breaker.state, 'closed');
    breaker.success();
    t.same(states, ['open', 'half-open', 'open', 'half-open', 'closed']);
  },
);

t.test('defaults, forced open, and dispose stops the cooldown', async (t) => {
  const states: BreakerState[] = [];
  const breaker = new CircuitBreaker({}, (s) => states.push(s));
  breaker.failure(4, 4);
  t.equal(breaker.state, 'closed', 'five failures by default');
  breaker.failure(5, 5);
  t.equal(breaker.state, 'open');
  breaker.open();
  t.same(states, ['open'], 'opening an open breaker again only restarts the cooldown');
  breaker.dispose();
  await sleep(1_100);
  t.equal(breaker.state, 'open');
});
