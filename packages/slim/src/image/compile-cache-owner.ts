// Node keeps its compile cache in `<NODE_COMPILE_CACHE>/v<version>-<arch>-<flags hash>-<uid>/`:
// a process only reads the folder of its own uid. A cache filled at build time (as root, or as
// the CI user) would be skipped by the image's non-root user, so the folder is relabelled for
// the uid the image runs as.

/** A compile cache folder's name: `<version>-<arch>-<flags hash>` and the uid that wrote it. */
export const compileCacheFolderPattern = /^(v\d+\.\d+\.\d+[^/]*-[0-9a-f]+)-(\d+)$/u;

/**
 * Returns a function that maps a deploy-folder path to its path in the image, moving compile
 * cache folders of another uid to `uid`'s. A folder already named for `uid` wins; the others
 * are then left as they are (Node ignores them).
 *
 * @example
 * ```ts
 * const map = compileCachePathMapper('compile-cache', paths, 65532);
 * map('compile-cache/v24.21.0-x64-964aae3f-0/36fb8ed8'); // 'compile-cache/v24.21.0-x64-964aae3f-65532/36fb8ed8'
 * ```
 */
export function compileCachePathMapper(
  cacheDir: string | null,
  paths: readonly string[],
  uid: number,
): (path: string) => string {
  if (cacheDir === null) return (path) => path;
  const prefix = `${cacheDir.replace(/\/+$/u, '')}/`;
  const folderOf = (path: string): string | undefined =>
    path.startsWith(prefix) ? path.slice(prefix.length).split('/')[0] : undefined;
  const tags = new Set<string>();
  for (const path of paths) {
    const match = compileCacheFolderPattern.exec(folderOf(path) ?? '');
    if (match?.[2] === String(uid) && match[1] !== undefined) tags.add(match[1]);
  }
  return (path) => {
    const folder = folderOf(path);
    const match = compileCacheFolderPattern.exec(folder ?? '');
    if (folder === undefined || match?.[1] === undefined || tags.has(match[1])) return path;
    return `${prefix}${match[1]}-${uid}${path.slice(prefix.length + folder.length)}`;
  };
}
