// The Node that runs `thaw slim` decides the Dockerfile's base (`nodejs<major>`), the bundle's
// default target and the compile cache's format, so one that package.json's `engines.node` does
// not allow would build an image for a Node the function does not support.
import semver from 'semver';
import { SlimError } from './errors.ts';

/**
 * Throws when the building Node does not satisfy `engines.node`; silent when there is no range.
 *
 * @example
 * ```ts
 * checkBuildingNode('^22.12.0 || ^24.0.0', '20.20.2'); // throws THAW_SLIM_NODE_UNSUPPORTED
 * ```
 */
export function checkBuildingNode(range: unknown, running: string = process.versions.node): void {
  if (typeof range !== 'string' || semver.validRange(range) === null) return;
  if (semver.satisfies(running, range)) return;
  const major = running.split('.')[0] ?? running;
  throw new SlimError(
    'THAW_SLIM_NODE_UNSUPPORTED',
    `This is Node ${running}, but package.json's engines.node is "${range}": the Dockerfile would start FROM gcr.io/distroless/nodejs${major}-debian12 and the compile cache would be Node ${major}'s. Run thaw slim with a Node that engines.node allows (nvm use, or npx -p node@24 thaw slim), or change engines.node.`,
  );
}
