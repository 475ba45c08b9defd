// Builds what the connect benchmark starts: in out/ each of its three shapes
// slimmed with a compile cache, as a user would deploy it (the early connection is switched at
// run time by EARLY_CONNECT, so one folder serves both variants). A folder is rebuilt only when
// its inputs change. Needs PostgreSQL and Redis.
import { join } from 'node:path';
import { exitUnlessServices } from '../support/services.mjs';
import { repoRoot, slimEntries } from '../support/stamped-slim.mjs';

const topicDir = import.meta.dirname;
const functionsDir = join(topicDir, 'functions');
const entries = { 'a-web': 'a-web.mjs', 'b-express': 'b-express.mjs', 'c-cloud-event': 'c-cloud-event.mjs' };

await exitUnlessServices('The connect benchmark');

// The connect shapes import the shapes benchmark's functions: a change there rebuilds them too.
const inputs = [functionsDir, join(repoRoot, 'benchmarks', 'shapes', 'functions')];
const built = await slimEntries(functionsDir, join(topicDir, 'out'), entries, inputs);
for (const [name, { rebuilt }] of Object.entries(built)) {
  process.stdout.write(`${name}: ${rebuilt ? 'slimmed' : 'up to date'}\n`);
}
