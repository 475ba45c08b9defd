// thaw's declaration files as a TypeScript user compiles against them: the runtime's tarball
// installed into a scratch project, one ES module and one CommonJS consumer, on TypeScript 6 with
// the settings `tsc --init` writes and on TypeScript 5.8 with `tsc --init`'s plus module nodenext
// (its default, commonjs, cannot resolve an `exports` map). The README states the same.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packWorkspace, repoRoot } from './support/packed.ts';

const compilers = {
  '6': join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'),
  '5.8': join(repoRoot, 'node_modules', 'typescript58', 'bin', 'tsc'),
} as const;

const esmConsumer = `import { CloudEvent } from 'cloudevents';
import { cloudEvent, serve, type ServerHandle } from '@thaw/runtime';
import { serveFaas, type FaasContext, type StructuredReturn } from '@thaw/runtime/adapters';

const handle = async (context: FaasContext, body?: unknown): Promise<StructuredReturn> => ({
  body: \`\${context.method} \${String(body)}\`,
});
export const faas: ServerHandle = serveFaas({ handle });
// A cloudevents SDK CloudEvent is a valid reply, as knative/func's template returns one.
export const events: ServerHandle = serve(
  cloudEvent<{ n: number }>(
    (event) => new CloudEvent({ type: 'com.example.reply', source: '/check', data: { n: event.data?.n ?? 0 } }),
  ),
);
`;

const cjsConsumer = `import runtime = require('@thaw/runtime');
import adapters = require('@thaw/runtime/adapters');
import sdk = require('cloudevents');

const events: runtime.ServerHandle = runtime.serve(
  runtime.cloudEvent<{ n: number }>(
    (event) => new sdk.CloudEvent({ type: 'com.example.reply', source: '/check', data: { n: event.data?.n ?? 0 } }),
  ),
);
const faas: runtime.ServerHandle = adapters.serveFaas({ handle: (context: adapters.FaasContext) => ({ body: context.method }) });
export = { events, faas };
`;

describe('the runtime declarations in a TypeScript consumer', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thaw-tsc-'));
    const { runtime } = packWorkspace(join(dir, '.tarballs'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    const versions = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        runtime,
        `@types/node@${versions.devDependencies['@types/node'] ?? ''}`,
        'cloudevents@10.0.0',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
  }, 240_000);
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  for (const [version, tsc] of Object.entries(compilers)) {
    it(`compiles an ES module and a CommonJS consumer on TypeScript ${version} with tsc --init's settings${version === '5.8' ? ' and module nodenext' : ''}`, () => {
      const project = join(dir, `ts-${version}`);
      mkdirSync(project);
      execFileSync(process.execPath, [tsc, '--init'], { cwd: project, stdio: 'pipe' });
      writeFileSync(join(project, 'check.mts'), esmConsumer);
      writeFileSync(join(project, 'check.cts'), cjsConsumer);
      const extra = version === '5.8' ? ['--module', 'nodenext'] : [];
      const result = spawnSync(process.execPath, [tsc, '-p', '.', '--noEmit', ...extra], {
        cwd: project,
        encoding: 'utf8',
      });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    });
  }
});
