import t from 'tap';
import { SuccessWindow } from '../src/success-window.js';

t.test('the rate covers the current second and the last N closed ones', async (t) => {
  const window = new SuccessWindow(2);
  t.equal(window.rate(), 1, 'nothing sent: 1');
  window.sent();
  window.sent();
  window.sent();
  window.sent();
  window.fail();
  t.same([window.sentNow, window.failedNow], [4, 1]);
  t.equal(window.rate(), 0.75);
  window.rotate();
  t.same([window.sentNow, window.failedNow], [0, 0]);
  window.sent();
  window.fail();
  t.equal(window.rate(), 0.6, '3 of 5 over both seconds');
  window.rotate();
  window.rotate();
  t.equal(window.rate(), 0, 'the first second fell out');
  window.rotate();
  t.equal(window.rate(), 1, 'everything fell out');
  window.fail();
  t.equal(window.rate(), 1, 'never below 0 or above 1');
  window.sent();
  t.equal(window.rate(), 0);
  t.equal(new SuccessWindow().rate(), 1);
});

t.test('excused refusals count in the rate, not in what the breaker weighs', async (t) => {
  const window = new SuccessWindow(1);
  window.sent();
  window.excuse();
  t.equal(window.rate(), 0.5, 'one of two failed');
  t.equal(window.sentNow, 1);
  t.equal(window.failedNow, 0);
  window.rotate();
  t.equal(window.rate(), 0.5, 'and still once the second is closed');
  t.equal(window.sentNow + window.failedNow, 0);
});
