// Preloaded by profile.mjs: the bare servers have no SIGTERM handler, and a process killed by
// the signal writes no CPU profile. Exiting normally does.
process.once('SIGTERM', () => process.exit(0));
