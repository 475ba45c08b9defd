import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// Every package's README, and the documents and pictures it links to, are in the tarball npm
// publishes, and the top README lists each of them.
const repoRoot = join(import.meta.dirname, '..', '..', '..');
const shipped = {
  runtime: ['README.md', 'CHANGELOG.md'],
  slim: ['README.md', 'CHANGELOG.md', 'docs/image.md'],
  bench: ['README.md', 'CHANGELOG.md'],
  cli: ['README.md', 'CHANGELOG.md'],
} as const;

it.each(Object.entries(shipped))('the @thaw/%s tarball holds its documents', (name, documents) => {
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: join(repoRoot, 'packages', name),
      encoding: 'utf8',
    }),
  ) as [{ files: Array<{ path: string }> }];
  const files = pack.files.map((file) => file.path);
  for (const document of documents) expect(files).toContain(document);
  // What the README links to inside its own package ships with it, so the README read from
  // node_modules (or on the registry's page) has no broken link or missing picture; links into
  // test/ show the repository's fixtures to someone working in a clone.
  const readme = readFileSync(join(repoRoot, 'packages', name, 'README.md'), 'utf8');
  const linked = [...readme.matchAll(/\]\((?!https?:|#|\.\.\/)(?:\.\/)?([^)#\s]+)/g)]
    .map((match) => match[1] as string)
    .filter((target) => !target.startsWith('test/'));
  for (const target of new Set(linked))
    expect(files, `${name}/README.md links to ${target}`).toContain(target);
  const top = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  for (const document of documents.filter((d) => d.endsWith('.md') && d !== 'CHANGELOG.md'))
    expect(top).toContain(`](packages/${name}/${document})`);
});
