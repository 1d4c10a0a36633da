import { buildApp } from './app.js';

const app = await buildApp();
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

try {
  await app.listen({ port, host });
  const redis = app.redisManager.health().main;
  app.log.info(
    {
      url: `http://localhost:${(app.server.address() as { port: number }).port}`,
      redis: redis?.status,
      endpoint: redis?.endpoint,
    },
    redis?.status === 'fallback'
      ? 'api-server listening; Redis is not reachable, so cache and rate limits run in memory (development fallback)'
      : 'api-server listening',
  );
} catch (error) {
  app.log.error(error, 'api-server failed to start');
  process.exit(1);
}
