import t from 'tap';
import { checkRules, type RuleFacts } from '../src/rules.js';

const ok: RuleFacts = {
  environment: 'production',
  allowInsecure: undefined,
  topologies: [],
  clusterDbs: [],
  insecure: [],
};

t.test('no facts, no problems', async (t) => {
  t.strictSame(checkRules(ok), []);
  t.strictSame(
    checkRules({
      ...ok,
      topologies: [{ sentinels: 'REDIS_SENTINELS', cluster: undefined }],
      clusterDbs: [{ value: 0, source: 'REDIS_DB' }],
    }),
    [],
  );
});

t.test('each rule, deduplicated per variable', async (t) => {
  const facts: RuleFacts = {
    ...ok,
    topologies: [
      { sentinels: 'REDIS_SENTINELS', cluster: 'REDIS_CLUSTER_NODES' },
      { sentinels: 'REDIS_SENTINELS', cluster: 'REDIS_CLUSTER_NODES' },
    ],
    clusterDbs: [
      { value: 3, source: 'REDIS_DB' },
      { value: 3, source: 'REDIS_DB' },
    ],
    insecure: ['REDIS_TLS_REJECT_UNAUTHORIZED'],
  };
  t.strictSame(
    checkRules(facts).map((problem) => problem.variable),
    ['REDIS_CLUSTER_NODES', 'REDIS_DB', 'REDIS_TLS_REJECT_UNAUTHORIZED'],
  );
  t.strictSame(
    checkRules({ ...facts, environment: 'staging', topologies: [], clusterDbs: [] }),
    [],
  );
  t.strictSame(
    checkRules({
      ...facts,
      allowInsecure: 'REDIS_TLS_ALLOW_INSECURE',
      topologies: [],
      clusterDbs: [],
    }),
    [],
  );
});
