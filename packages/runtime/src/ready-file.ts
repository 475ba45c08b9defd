// The ready file for exec probes (`test -f $THAW_READY_FILE`). Written atomically — a temporary
// file renamed into place — so a probe never reads half a file; removed when draining starts.
import { rmSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

/** Writes `content` to `path` atomically. */
export async function writeReadyFile(path: string, content: string): Promise<void> {
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
