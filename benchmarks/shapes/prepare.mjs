// Builds what the shapes benchmark starts: the packages, order-risk's deploy folders (shape d,
// shared with benchmarks/order-risk), and in out/ each thaw-way shape slimmed with a compile
// cache, as a user would deploy it. A folder is rebuilt only when its inputs changed.
// Needs PostgreSQL and Redis.
import { join } from 'node:path';
import { prepareOrderRiskTopic } from '../support/order-risk-deploys.mjs';
import { slimEntries } from '../support/stamped-slim.mjs';

const topicDir = import.meta.dirname;
const functionsDir = join(topicDir, 'functions');

/** The thaw-way entries, slimmed into out/<name>. */
const entries = {
  'hello-web': 'hello-web.thaw.mjs',
  'hello-listener': 'hello-listener.thaw.mjs',
  'a-web': 'a-web.thaw.mjs',
  'b-express': 'b-express.thaw.mjs',
  'c-cloud-event': 'c-cloud-event.thaw.mjs',
  'e-deferred': 'e-deferred.thaw.mjs',
};

// Builds the packages, checks the services, migrates and slims order-risk (shape d).
await prepareOrderRiskTopic(topicDir, { shared: ['thaw'] });

const built = await slimEntries(functionsDir, join(topicDir, 'out'), entries, [functionsDir]);
for (const [name, { rebuilt, size }] of Object.entries(built)) {
  process.stdout.write(
    `${name}: ${rebuilt ? 'slimmed' : 'up to date'}, ${size.output.files} files, ${size.output.bytes} bytes\n`,
  );
}
