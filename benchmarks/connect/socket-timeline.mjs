// Preload (`node --import ./socket-timeline.mjs index.js`) that records, in ms since process
// start: when `pg` and `ioredis` are required (start and end of their module load), and for every
// TCP client socket when it was created, connected, and each write and read. It prints them as
// one JSON line on stderr at exit; breakdown.mjs turns them into the steps of a critical init.
import diagnostics from 'node:diagnostics_channel';
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

const at = () => Math.round(performance.now() * 100) / 100;
const drivers = {};
const sockets = [];
const tracked = new WeakMap();

const required = diagnostics.tracingChannel('module.require');
const open = new Map();
required.subscribe({
  start(message) {
    if ((message.id === 'pg' || message.id === 'ioredis') && drivers[message.id] === undefined) {
      open.set(message.id, at());
    }
  },
  end(message) {
    const started = open.get(message.id);
    if (started === undefined) return;
    open.delete(message.id);
    drivers[message.id] = { loadStart: started, loadEnd: at() };
  },
  asyncStart() {},
  asyncEnd() {},
  error() {},
});

diagnostics.subscribe('net.client.socket', ({ socket }) => {
  if (tracked.has(socket)) return;
  const entry = { created: at(), port: undefined, connected: undefined, events: [] };
  sockets.push(entry);
  tracked.set(socket, entry);
  socket.prependOnceListener('connect', () => {
    entry.connected ??= at();
    entry.port = socket.remotePort;
  });
  const push = socket.push;
  socket.push = function (chunk, ...rest) {
    if (chunk !== null)
      entry.events.push({ at: at(), read: chunk.length, head: chunk.subarray(0, 1).toString('latin1') });
    return push.call(this, chunk, ...rest);
  };
});

const write = Socket.prototype.write;
Socket.prototype.write = function (chunk, ...rest) {
  const entry = tracked.get(this);
  if (entry !== undefined) {
    const bytes = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    entry.events.push({ at: at(), write: bytes });
  }
  return write.call(this, chunk, ...rest);
};

process.on('exit', () => {
  process.stderr.write(`thaw-socket-timeline ${JSON.stringify({ drivers, sockets })}\n`);
});
