// Preloaded (`node --import ./loop-sampler.mjs`) into the function of sdk-load-block.mjs: a
// 10 ms timer whose ticks, in epoch milliseconds, are written to LOOP_SAMPLES_FILE when the
// process exits. A tick late by more than its period is the event loop having been blocked.
import { writeFileSync } from 'node:fs';

const file = process.env['LOOP_SAMPLES_FILE'];
if (file !== undefined && file !== '') {
  const ticks = [];
  const epoch = () => performance.timeOrigin + performance.now();
  setInterval(() => ticks.push(epoch()), 10).unref();
  process.on('exit', () => {
    writeFileSync(file, JSON.stringify({ periodMs: 10, ticks }));
  });
}
