// Preloaded (`node --import`) into the function's process under `thaw dev`: when thaw dev goes
// away without stopping it (SIGKILL, a crash), the IPC channel to it closes, and the function
// shuts down as on a SIGTERM instead of keeping its port. A hard exit follows if the drain
// hangs, since nobody is left to send SIGKILL.
const hardExitAfterMs = 10_000;

if (process.channel !== undefined) {
  // The channel must not keep the function alive on its own.
  process.channel.unref();
  process.once('disconnect', () => {
    // Nobody reads the pipes any more: writing to them must not crash the drain.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
    setTimeout(() => process.exit(1), hardExitAfterMs).unref();
    process.kill(process.pid, 'SIGTERM');
  });
}
