// Runs in its own process so that the load it makes does not slow the process measuring:
// `node load-generator.ts <port> <clients> <durationMs> <burnMs> <waitMinMs> <waitMaxMs>`.
// Each client sends keep-alive requests back to back for durationMs (at most 2 000 each), then
// the process prints how many were answered 200 and exits.
import { Agent, request } from 'node:http';

const [port, clients, durationMs, burnMs, waitMinMs, waitMaxMs] = process.argv.slice(2).map(Number) as [
  number,
  number,
  number,
  number,
  number,
  number,
];
const agent = new Agent({ keepAlive: true, maxSockets: clients });
const until = performance.now() + durationMs;
let ok = 0;
let failed = 0;

function once(path: string): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) ok += 1;
        else failed += 1;
        resolve();
      });
    });
    req.on('error', () => {
      failed += 1;
      resolve();
    });
    req.end();
  });
}

await Promise.all(
  Array.from({ length: clients }, async () => {
    for (let sent = 0; sent < 2_000 && performance.now() < until; sent += 1) {
      const wait = Math.round(waitMinMs + Math.random() * (waitMaxMs - waitMinMs));
      await once(`/?burn=${burnMs}&wait=${wait}`);
    }
  }),
);
agent.destroy();
process.stdout.write(`${JSON.stringify({ ok, failed })}\n`);
