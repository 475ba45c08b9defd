import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { fixedMtimeSeconds, prepareOutDir } from './deploy-folder.ts';

test('the fixed mtime is SOURCE_DATE_EPOCH when set, else 1980-01-01', () => {
  expect(fixedMtimeSeconds({})).toBe(315_532_800);
  expect(fixedMtimeSeconds({ SOURCE_DATE_EPOCH: '1700000000' })).toBe(1_700_000_000);
});

test('a SOURCE_DATE_EPOCH that is not whole seconds is refused, naming the variable', () => {
  expect(() => fixedMtimeSeconds({ SOURCE_DATE_EPOCH: 'yesterday' })).toThrow(
    'Invalid SOURCE_DATE_EPOCH: received "yesterday"; expected whole seconds since 1970-01-01, such as 1700000000.',
  );
});

test('an earlier deploy folder is emptied; a folder with other files is left alone', () => {
  const project = mkdtempSync(join(tmpdir(), 'thaw-slim-out-'));
  try {
    const ours = join(project, 'deploy');
    mkdirSync(ours);
    writeFileSync(join(ours, 'thaw-slim.json'), '{}');
    writeFileSync(join(ours, 'stale.js'), '');
    prepareOutDir(ours, project);
    expect(existsSync(join(ours, 'stale.js'))).toBe(false);
    const theirs = join(project, 'docs');
    mkdirSync(theirs);
    writeFileSync(join(theirs, 'notes.md'), 'keep');
    expect(() => {
      prepareOutDir(theirs, project);
    }).toThrow(/already has files and no thaw-slim.json/);
    expect(existsSync(join(theirs, 'notes.md'))).toBe(true);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});
