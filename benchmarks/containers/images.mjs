// Builds the images this benchmark runs, daemonlessly, as OCI layouts under out/layouts, for each
// Node line: one base (the Node binary where distroless keeps it, /nodejs/bin/node, with the
// shared libraries it links: nothing can be pulled here), and on it
//   hello  — a bare node:http hello (the floor), built with buildah from a Dockerfile;
//   eager  — order-risk the usual way: its compiled TypeScript, the OpenTelemetry preload and the
//            full production node_modules (what `npm ci --omit=dev` installs), buildah again;
//   thaw   — order-risk slimmed by `thaw slim` and built by `thaw image` on the same base.
// Rebuilt only when an input changed (a stamp per image).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { Podman, importRootfs, writeNodeRootfs } from '@thaw/bench';
import { orderRiskDir, repoRoot } from '../support/order-risk-deploys.mjs';

export const here = import.meta.dirname;
export const layoutsDir = join(here, 'out', 'layouts');
/** The PATH of the base images. */
const imagePath = '/usr/local/bin:/usr/bin:/bin';

/** The Node binary of each line (both installed by `npm ci`). */
export const nodeBinaries = {
  24: join(repoRoot, 'node_modules', 'node', 'bin', 'node'),
  22: join(repoRoot, 'node_modules', 'node22', 'bin', 'node'),
};

function run(command, args, what, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0)
    throw new Error(
      `${what} failed (exit ${result.status ?? result.signal}): ${(result.stderr || result.stdout).slice(-3000)}`,
    );
  return result.stdout;
}

function hashTree(hash, dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) hashTree(hash, path);
    else hash.update(`${name}\0${stat.size}\0`).update(readFileSync(path));
  }
}

function stampOf(parts) {
  const hash = createHash('sha256');
  for (const part of parts) {
    if (typeof part === 'string' && existsSync(part) && statSync(part).isDirectory()) hashTree(hash, part);
    else if (typeof part === 'string' && existsSync(part)) hash.update(readFileSync(part));
    else hash.update(JSON.stringify(part));
  }
  return hash.digest('hex');
}

/** Runs `build()` unless `layout`'s stamp matches `parts`; resolves with the OCI reference. */
async function cached(layout, tag, parts, build) {
  const stampFile = `${layout}.stamp`;
  const stamp = stampOf(parts);
  if (!(
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === stamp &&
    existsSync(join(layout, 'index.json'))
  )) {
    rmSync(layout, { recursive: true, force: true });
    await build();
    writeFileSync(stampFile, stamp);
  }
  return `oci:${layout}:${tag}`;
}

/**
 * The production dependency closure of order-risk as npm would install it: every dependency,
 * optional dependency and non-optional peer, resolved as Node resolves it, recursively, each
 * package at the path it has in the workspace's node_modules (workspace packages as `npm pack`
 * would ship them: their `files`). Returns [{ from, to }] folders to copy under /app.
 */
function productionClosure() {
  const rootModules = join(repoRoot, 'node_modules');
  const placed = new Map(); // real dir → path under /app
  const copies = [];
  const visit = (realDir) => {
    const pkg = JSON.parse(readFileSync(join(realDir, 'package.json'), 'utf8'));
    const peers = Object.keys(pkg.peerDependencies ?? {}).filter(
      (name) => pkg.peerDependenciesMeta?.[name]?.optional !== true,
    );
    const names = [
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.optionalDependencies ?? {}),
      ...peers,
    ];
    for (const name of new Set(names)) {
      let found;
      for (let dir = realDir; ; dir = dirname(dir)) {
        const candidate = join(dir, 'node_modules', name);
        if (existsSync(join(candidate, 'package.json'))) {
          found = candidate;
          break;
        }
        if (dir === repoRoot || dirname(dir) === dir) break;
      }
      if (found === undefined) {
        if (Object.keys(pkg.optionalDependencies ?? {}).includes(name) || peers.includes(name)) continue;
        throw new Error(`${pkg.name} needs ${name}, which is not installed.`);
      }
      const real = realpathSync(found);
      if (placed.has(real)) continue;
      // Where npm would put it: the same path under /app as in the workspace, a workspace
      // package's nested node_modules under its link's place.
      const owner = [...placed.keys()].find((dir) => found.startsWith(`${dir}${sep}node_modules${sep}`));
      const to =
        owner !== undefined
          ? join(placed.get(owner), relative(owner, found))
          : found.startsWith(`${rootModules}${sep}`)
            ? join('node_modules', relative(rootModules, found))
            : join('node_modules', name);
      placed.set(real, to);
      copies.push({ from: real, to, workspace: !real.startsWith(`${rootModules}${sep}`) });
      visit(real);
    }
  };
  placed.set(realpathSync(orderRiskDir), '.');
  visit(realpathSync(orderRiskDir));
  return copies;
}

function copyPackage({ from, to, workspace }, appDir) {
  const target = join(appDir, to);
  mkdirSync(target, { recursive: true });
  if (workspace) {
    const pkg = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
    cpSync(join(from, 'package.json'), join(target, 'package.json'));
    for (const entry of pkg.files ?? []) {
      if (entry.startsWith('!') || !existsSync(join(from, entry))) continue;
      cpSync(join(from, entry), join(target, entry), {
        recursive: true,
        filter: (src) => !/\.test\.[cm]?[jt]s(\.map)?$/u.test(src),
      });
    }
    return;
  }
  cpSync(from, target, {
    recursive: true,
    dereference: false,
    filter: (src) => !relative(from, src).split(sep).includes('node_modules'),
  });
}

/** buildah with a private store, daemonless. */
function buildah(store, args, what) {
  return run('buildah', ['--root', store.root, '--runroot', store.runRoot, ...args], what);
}

function buildWithBuildah(store, baseRef, context, dockerfile, layout, tag) {
  const baseName = `localhost/thaw-bench-base:${tag}`;
  const imported = buildah(store, ['pull', '--quiet', baseRef], `buildah pull ${baseRef}`)
    .trim()
    .split('\n')
    .pop();
  buildah(store, ['tag', imported, baseName], 'buildah tag');
  writeFileSync(join(context, 'Dockerfile'), dockerfile.replace('FROM base', `FROM ${baseName}`));
  const name = `localhost/thaw-bench-${tag}:latest`;
  buildah(
    store,
    [
      'bud',
      '--quiet',
      '--runtime',
      'runc',
      '--isolation',
      'chroot',
      '--pull=never',
      '--layers',
      '--tag',
      name,
      context,
    ],
    `buildah bud (${tag})`,
  );
  buildah(store, ['push', '--quiet', name, `oci:${layout}:${tag}`], `buildah push ${tag}`);
}

/**
 * Builds (or keeps) every image of `line`; resolves with their OCI references and the thaw deploy
 * folder's service.yaml.
 */
export async function buildImages(line, { thawDeployDir }) {
  const node = nodeBinaries[line];
  if (!existsSync(node)) throw new Error(`Node ${line} is missing at ${node}; run npm ci first.`);
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  mkdirSync(layoutsDir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'thaw-images-'));
  const store = { root: join(scratch, 'storage'), runRoot: mkdtempSync(join(tmpdir(), 'thaw-run-')) };
  const podman = new Podman(store);
  try {
    const base = await cached(
      join(layoutsDir, `base-${line}`),
      `node${line}`,
      ['base', version, realpathSync(node)],
      async () => {
        const rootfs = join(scratch, 'base-rootfs');
        writeNodeRootfs(rootfs, node, '/nodejs/bin/node');
        const name = `localhost/thaw-bench-node-base:${line}`;
        await importRootfs(podman, rootfs, name, {
          entrypoint: ['/nodejs/bin/node'],
          env: { PATH: imagePath },
        });
        await podman.exec(['push', '--quiet', name, `oci:${join(layoutsDir, `base-${line}`)}:node${line}`]);
      },
    );

    const helloSource = join(repoRoot, 'benchmarks', 'runtime-overhead', 'hello.mjs');
    const hello = await cached(join(layoutsDir, `hello-${line}`), `hello${line}`, [base, helloSource], () => {
      const context = join(scratch, 'hello');
      mkdirSync(context, { recursive: true });
      cpSync(helloSource, join(context, 'hello.mjs'));
      buildWithBuildah(
        store,
        base,
        context,
        'FROM base\nWORKDIR /app\nCOPY hello.mjs ./\nUSER 65532:65532\nCMD ["/app/hello.mjs"]\n',
        join(layoutsDir, `hello-${line}`),
        `hello${line}`,
      );
    });

    const closure = productionClosure();
    const eager = await cached(
      join(layoutsDir, `eager-${line}`),
      `eager${line}`,
      [
        base,
        join(orderRiskDir, 'dist'),
        join(repoRoot, 'packages', 'runtime', 'dist'),
        closure.map((c) => c.to),
      ],
      () => {
        const context = join(scratch, 'eager');
        mkdirSync(join(context, 'node_modules'), { recursive: true });
        cpSync(join(orderRiskDir, 'package.json'), join(context, 'package.json'));
        cpSync(join(orderRiskDir, 'dist'), join(context, 'dist'), { recursive: true });
        for (const entry of closure) copyPackage(entry, context);
        // The usual Dockerfile of a Node function: dependencies first (a layer that changes
        // rarely), the compiled code on top, the eager entry with its OpenTelemetry preload.
        buildWithBuildah(
          store,
          base,
          context,
          [
            'FROM base',
            'WORKDIR /app',
            'ENV NODE_ENV=production',
            'COPY package.json ./',
            'COPY node_modules ./node_modules',
            'COPY dist ./dist',
            'USER 65532:65532',
            'CMD ["--import", "./dist/eager-otel.js", "dist/eager.js"]',
            '',
          ].join('\n'),
          join(layoutsDir, `eager-${line}`),
          `eager${line}`,
        );
      },
    );

    const thaw = await cached(join(layoutsDir, `thaw-${line}`), `thaw${line}`, [base, thawDeployDir], () => {
      run(
        process.execPath,
        [
          join(repoRoot, 'packages', 'cli', 'dist', 'main.js'),
          'image',
          '--base',
          base,
          '--tag',
          `localhost/order-risk-thaw:${line}`,
          '--oci-layout',
          join(scratch, 'thaw-layout'),
          '--no-pin',
          thawDeployDir,
        ],
        'thaw image',
      );
      // Re-tagged by skopeo (blobs as they are) so every layout names its image the same way.
      const index = JSON.parse(readFileSync(join(scratch, 'thaw-layout', 'index.json'), 'utf8'));
      const name = index.manifests?.[0]?.annotations?.['org.opencontainers.image.ref.name'];
      run(
        'skopeo',
        [
          'copy',
          '--quiet',
          `oci:${join(scratch, 'thaw-layout')}${name === undefined ? '' : `:${name}`}`,
          `oci:${join(layoutsDir, `thaw-${line}`)}:thaw${line}`,
        ],
        'skopeo copy (thaw image)',
      );
    });
    return { node: version, base, hello, eager, thaw, closurePackages: closure.length };
  } finally {
    spawnSync('buildah', ['--root', store.root, '--runroot', store.runRoot, 'rm', '--all'], {
      stdio: 'ignore',
    });
    spawnSync('buildah', ['--root', store.root, '--runroot', store.runRoot, 'rmi', '--all', '--force'], {
      stdio: 'ignore',
    });
    await podman.resetStore().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
    rmSync(store.runRoot, { recursive: true, force: true });
  }
}
