// The ready file for exec probes (`test -f $THAW_READY_FILE`). Written atomically — a temporary
// file renamed into place — so a probe never reads half a file; removed when draining starts.
// node:fs comes from process.getBuiltinModule: an ES import of it builds a namespace of all its
// exports, which loads its stream classes (milliseconds at startup) for nothing.
const { rmSync } = process.getBuiltinModule('node:fs');

/** Writes `content` to `path` atomically. */
export async function writeReadyFile(path: string, content: string): Promise<void> {
  // Loaded here: most functions have no ready file, and none needs fs/promises to start.
  const { rename, writeFile } = await import('node:fs/promises');
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}

/**
 * Removes the ready file; a missing file is fine. Synchronous on purpose: the file must be gone
 * the moment draining starts, before anything else can run (or the process exits).
 */
export function removeReadyFile(path: string): void {
  rmSync(path, { force: true });
}
