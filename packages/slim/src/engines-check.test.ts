import { expect, test } from 'vitest';
import { checkBuildingNode } from './engines-check.ts';

test('a building Node outside engines.node is refused, naming both versions, the base it would pick and the fix', () => {
  expect(() => {
    checkBuildingNode('^22.12.0 || ^24.0.0', '20.20.2');
  }).toThrow(
    /^This is Node 20\.20\.2, but package\.json's engines\.node is "\^22\.12\.0 \|\| \^24\.0\.0": the Dockerfile would start FROM gcr\.io\/distroless\/nodejs20-debian12.*Run thaw slim with a Node that engines\.node allows/,
  );
  expect(() => {
    checkBuildingNode('^22.12.0 || ^24.0.0', '22.11.0');
  }).toThrow(expect.objectContaining({ code: 'THAW_SLIM_NODE_UNSUPPORTED' }) as Error);
});

test('a Node inside engines.node, no engines or an unreadable range pass', () => {
  expect(() => {
    checkBuildingNode('^22.12.0 || ^24.0.0', '24.21.0');
    checkBuildingNode('>=22.12', '22.23.3');
    checkBuildingNode(undefined, '20.0.0');
    checkBuildingNode('not a range', '20.0.0');
  }).not.toThrow();
});
