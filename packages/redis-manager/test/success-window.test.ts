import t from 'tap';
import { SuccessWindow } from '../src/success-window.js';

t.test('the rate covers the last N seconds only', async (t) => {
  const window = new SuccessWindow(10);
  const start = 1_000_000;
  t.equal(window.rate(start), 1, 'nothing happened: 1');
  window.ok(start);
  window.ok(start + 100);
  window.fail(start + 200);
  window.fail(start + 1_500);
  t.equal(window.rate(start + 1_600), 0.5);
  t.equal(window.rate(start + 10_100), 0, 'the first second fell out');
  t.equal(window.rate(start + 60_000), 1, 'everything fell out');
  window.ok();
  t.equal(window.rate(), 1);
  t.equal(new SuccessWindow().rate(), 1);
});
