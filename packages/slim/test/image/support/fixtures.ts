// Test inputs made on the spot: a deploy folder (a plain node:http function that needs a small
// package from node_modules) and base images built by umoci as OCI layouts.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from './tools.ts';

/** The function's source; `greeting` is the line a rebuild test changes. */
export function functionSource(greeting: string): string {
  return [
    "'use strict';",
    "const http = require('node:http');",
    "const { shout } = require('tiny-shout');",
    `const greeting = ${JSON.stringify(greeting)};`,
    'const server = http.createServer((req, res) => {',
    "  if (req.url === '/readyz') {",
    "    res.writeHead(200, { 'content-type': 'text/plain' });",
    '    res.end(`ready as ${process.getuid()} in ${process.cwd()} ${process.env.NODE_ENV}`);',
    '    return;',
    '  }',
    '  res.end(shout(greeting));',
    '});',
    "server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1');",
    "process.on('SIGTERM', () => server.close());",
    '',
  ].join('\n');
}

/**
 * Writes a deploy folder into `dir`: index.js, package.json and node_modules/tiny-shout, and,
 * unless `manifest` is false, the thaw-slim.json that lists them.
 */
export function writeDeployFolder(
  dir: string,
  options: { greeting?: string; manifest?: boolean; serviceYaml?: string } = {},
): void {
  mkdirSync(join(dir, 'node_modules', 'tiny-shout'), { recursive: true });
  const files: Record<string, string> = {
    'index.js': functionSource(options.greeting ?? 'hello'),
    'index.js.map': '{"version":3,"sources":["index.ts"],"mappings":""}\n',
    'package.json': '{"name":"fixture-function","private":true,"main":"index.js","type":"commonjs"}\n',
    'node_modules/tiny-shout/package.json': '{"name":"tiny-shout","version":"1.0.0","main":"index.js"}\n',
    'node_modules/tiny-shout/index.js': "exports.shout = (s) => String(s).toUpperCase() + '!';\n",
  };
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  if (options.serviceYaml !== undefined) {
    mkdirSync(join(dir, 'knative'), { recursive: true });
    writeFileSync(join(dir, 'knative', 'service.yaml'), options.serviceYaml);
  }
  if (options.manifest === false) return;
  const listed = Object.keys(files)
    .sort()
    .map((path) => ({
      path,
      size: Buffer.byteLength(files[path] ?? ''),
      reason: 'fixture',
      layer: path === 'package.json' || path.startsWith('node_modules/') ? 'dependencies' : 'app',
    }));
  writeFileSync(
    join(dir, 'thaw-slim.json'),
    JSON.stringify(
      {
        version: 1,
        entry: 'index.js',
        node: { major: Number(process.versions.node.split('.')[0]) },
        compileCache: null,
        files: listed,
      },
      null,
      2,
    ),
  );
}

/**
 * Fills `<dir>/compile-cache` the way a build does: runs the function once with Node's
 * portable compile cache on, as the current user, stops it with SIGTERM (Node writes the cache
 * at exit), and lists the cache files in thaw-slim.json's app layer.
 */
export async function fillCompileCache(dir: string): Promise<void> {
  const cache = join(dir, 'compile-cache');
  const child = spawn(process.execPath, ['index.js'], {
    cwd: dir,
    env: { ...process.env, NODE_COMPILE_CACHE: cache, NODE_COMPILE_CACHE_PORTABLE: '1', PORT: '0' },
    stdio: 'ignore',
  });
  await sleep(1000);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  await exited;
  const manifestPath = join(dir, 'thaw-slim.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    compileCache: string | null;
    files: { path: string; layer: string }[];
  };
  const added = readdirSync(cache, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
  if (added.length === 0) throw new Error(`Node wrote no compile cache into ${cache}`);
  manifest.compileCache = 'compile-cache';
  manifest.files.push(...added.map((path) => ({ path, size: 0, reason: 'compile cache', layer: 'app' })));
  manifest.files.sort((a, b) => (a.path < b.path ? -1 : 1));
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
}

async function umociImage(
  layout: string,
  name: string,
  fill: (rootfs: string) => void,
  config: readonly string[],
): Promise<void> {
  const image = `${layout}:${name}`;
  const bundle = `${layout}-bundle-${name}`;
  await run('umoci', ['init', '--layout', layout]).catch(() => ''); // already initialised
  await run('umoci', ['new', '--image', image]);
  await run('umoci', ['unpack', '--image', image, bundle]);
  fill(join(bundle, 'rootfs'));
  await run('umoci', ['repack', '--image', image, bundle]);
  await run('umoci', ['config', '--image', image, ...config]);
  await run('rm', ['-rf', bundle]);
}

/** A small base: one layer with a single file and no Node; enough to push onto. */
export async function makeTinyBase(layout: string, name = 'tiny'): Promise<void> {
  await umociImage(
    layout,
    name,
    (rootfs) => {
      mkdirSync(join(rootfs, 'etc'), { recursive: true });
      writeFileSync(join(rootfs, 'etc', 'base-release'), 'thaw test base\n');
    },
    ['--config.entrypoint', '/usr/local/bin/node', '--config.env', 'PATH=/usr/local/bin:/usr/bin:/bin'],
  );
}

/**
 * A runnable base: the machine's Node binary at /usr/local/bin/node plus every shared library
 * `ldd` lists for it, at the same paths.
 */
export async function makeNodeBase(layout: string, name = 'node'): Promise<void> {
  const node = realpathSync(process.execPath);
  const libraries = execFileSync('ldd', [node], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /(\/\S+)\s+\(0x/u.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);
  await umociImage(
    layout,
    name,
    (rootfs) => {
      for (const [from, to] of [
        [node, '/usr/local/bin/node'],
        ...libraries.map((lib) => [lib, lib]),
      ] as const) {
        mkdirSync(join(rootfs, dirname(to)), { recursive: true });
        copyFileSync(realpathSync(from), join(rootfs, to));
      }
    },
    ['--config.entrypoint', '/usr/local/bin/node', '--config.env', 'PATH=/usr/local/bin:/usr/bin:/bin'],
  );
}

/** The manifest digest a layout's index.json lists for `name`. */
export function layoutDigest(layout: string, name: string): string {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const found = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === name);
  if (found === undefined) throw new Error(`layout ${layout} has no image ${name}`);
  return found.digest;
}

/** Copies an image with skopeo (the independent client) between any two transports. */
export async function skopeoCopy(from: string, to: string, extra: readonly string[] = []): Promise<void> {
  await run('skopeo', ['copy', '--src-tls-verify=false', '--dest-tls-verify=false', ...extra, from, to]);
}
