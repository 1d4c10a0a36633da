import t from 'tap';
import { CONTAINER_MARKERS, defaultExists, detectPlatform } from '../src/platform.js';

const never = () => false;

t.test('detection order: railway > heroku > kubernetes > container > host', async (t) => {
  const all = { RAILWAY_PROJECT_ID: 'p', DYNO: 'web.1', KUBERNETES_SERVICE_HOST: '10.0.0.1' };
  t.strictSame(
    detectPlatform(all, () => true),
    { platform: 'railway', note: 'platform railway (RAILWAY_PROJECT_ID is set)' },
  );
  t.equal(
    detectPlatform({ DYNO: 'web.1', KUBERNETES_SERVICE_HOST: 'x' }, () => true).platform,
    'heroku',
  );
  t.equal(detectPlatform({ KUBERNETES_SERVICE_HOST: 'x' }, () => true).platform, 'kubernetes');
  t.strictSame(
    detectPlatform({}, (path) => path === '/run/.containerenv'),
    {
      platform: 'docker',
      note: 'platform docker (/run/.containerenv exists)',
    },
  );
  t.strictSame(detectPlatform({ OTHER: 'x' }, never), {
    platform: 'host',
    note: 'platform host (no container or platform markers)',
  });
});

t.test('markers and the default exists hook', async (t) => {
  t.strictSame(CONTAINER_MARKERS, ['/.dockerenv', '/run/.containerenv']);
  t.equal(defaultExists('/'), true);
  t.equal(defaultExists('/definitely/not/here'), false);
});
