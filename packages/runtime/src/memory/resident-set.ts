// The process's resident set size, as cheaply as Linux gives it. `process.memoryUsage()` and
// `process.memoryUsage.rss()` both open, read and close /proc/self/stat on every call (the
// kernel's longest per-process report); /proc/self/statm, kept open and read again from its
// start, carries the same resident-page count in one short read. Elsewhere, or when the file
// cannot be read, it is `process.memoryUsage.rss()`.
type Reader = () => number | undefined;

let read: Reader | undefined;

/** RSS in bytes: the kernel's resident pages of this process (anonymous, file and shared). */
export function residentSetBytes(): number {
  read ??= statmReader() ?? (() => undefined);
  return read() ?? process.memoryUsage.rss();
}

function statmReader(): Reader | undefined {
  if (process.platform !== 'linux') return undefined;
  const fs = process.getBuiltinModule('node:fs');
  let fd: number;
  try {
    fd = fs.openSync('/proc/self/statm', 'r');
  } catch {
    return undefined;
  }
  const buffer = Buffer.alloc(128);
  const pages = (): number | undefined => {
    try {
      const length = fs.readSync(fd, buffer, 0, buffer.length, 0);
      // "size resident shared text lib data dt", in pages.
      const text = buffer.toString('latin1', 0, length);
      const start = text.indexOf(' ') + 1;
      const end = text.indexOf(' ', start);
      const resident = Number(text.slice(start, end === -1 ? undefined : end));
      return start === 0 || !Number.isFinite(resident) ? undefined : resident;
    } catch {
      return undefined;
    }
  };
  // The page size (4 KiB on most machines, 16 or 64 KiB on some arm64 kernels) is not exposed
  // to JavaScript: it is the power of two that turns the page count into the RSS Node reports.
  const first = pages();
  if (first === undefined || first === 0) {
    fs.closeSync(fd);
    return undefined;
  }
  const pageSize = 2 ** Math.round(Math.log2(process.memoryUsage.rss() / first));
  return () => {
    const count = pages();
    return count === undefined ? undefined : count * pageSize;
  };
}
