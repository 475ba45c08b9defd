// `thaw image`: parses the command line into buildImage() options and prints the size report.
import { buildImage } from '../image/build-image.ts';
import { ImageError } from '../image/errors.ts';
import { type BuildImageOptions, defaultBuildImageOptions } from '../image/options.ts';
import { formatImageSizeReport } from '../image/size-report.ts';
import { parseFlags } from './parse-flags.ts';

/** The help of `thaw image`; the README's flag table lists the same flags. */
export const imageHelp = `thaw image: build the function's OCI image from a deploy folder, without Docker

Usage: thaw image --tag <ref> [--push | --oci-layout <dir> | --tarball <file>] [options] [deploy-dir]

  deploy-dir                 the folder thaw slim --out wrote (default: ${defaultBuildImageOptions.deployDir})
  --tag <ref>                image to write, registry/repository:tag (required to push)
  --push                     push to the tag's registry (the default output)
  --oci-layout <dir>         write an OCI image layout directory instead
  --tarball <file>           write one tar file (OCI layout + docker load manifest) instead
  --base <ref>               base image: registry reference or oci:<dir>[:<name>]
                             (default: gcr.io/distroless/nodejs<major>-debian12)
  --platform <os/arch>       platform to take from a multi-arch base (default: ${defaultBuildImageOptions.platform})
  --workdir <path>           where the function lives in the image (default: ${defaultBuildImageOptions.workDir})
  --user <uid:gid>           numeric user the function runs as (default: ${defaultBuildImageOptions.user})
  --source <url>             org.opencontainers.image.source annotation
  --revision <commit>        org.opencontainers.image.revision annotation
  --pin-manifest <file>      Knative service.yaml to pin to the pushed digest
                             (default: <deploy-dir>/knative/service.yaml when it exists)
  --no-pin                   leave the Knative manifest alone
  --insecure-registry <host> reach this registry over plain HTTP (repeatable; loopback always is)
  --json                     print the result as JSON on stdout
  -h, --help                 show this help

Credentials: THAW_REGISTRY_USERNAME and THAW_REGISTRY_PASSWORD (for the tag's registry), else
the "auths" of Docker's config.json. Timestamps come from SOURCE_DATE_EPOCH (default 0).
With no registry access, build on a base you have as an OCI layout: --base oci:<dir>.

Exit codes:
  0  the image was written or pushed
  1  the build or the push failed (registry unreachable, unauthorized, base not found)
  2  bad arguments (unknown flag, missing value, conflicting outputs, no deploy folder)

Examples:
  thaw image --tag registry.example.com/checkout:1 --push deploy
  thaw image --base oci:./base-layout --tag checkout:dev --oci-layout out/layout deploy`;

const flags = {
  tag: { type: 'string' },
  push: { type: 'boolean' },
  'oci-layout': { type: 'string' },
  tarball: { type: 'string' },
  base: { type: 'string' },
  platform: { type: 'string' },
  workdir: { type: 'string' },
  user: { type: 'string' },
  source: { type: 'string' },
  revision: { type: 'string' },
  'pin-manifest': { type: 'string' },
  'no-pin': { type: 'boolean' },
  'insecure-registry': { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The flag names of `thaw image` (the README check compares them with its table). */
export const imageFlagNames: readonly string[] = Object.keys(flags);

function optionsFrom(args: readonly string[]): { options: BuildImageOptions; json: boolean } | 'help' {
  const { values, positionals } = parseFlags(
    { args, options: flags, renamed: { 'base-image': '--base (registry reference or oci:<dir>)' } },
    (message, cause) => new ImageError('THAW_IMAGE_INVALID_OPTION', message, { cause }),
  );
  if (values.help === true) return 'help';
  const outputs = [values.push === true, values['oci-layout'] !== undefined, values.tarball !== undefined];
  if (outputs.filter(Boolean).length > 1) {
    throw new ImageError(
      'THAW_IMAGE_INVALID_OPTION',
      'Pass only one of --push, --oci-layout <dir> and --tarball <file>.',
    );
  }
  if (positionals.length > 1) {
    throw new ImageError(
      'THAW_IMAGE_INVALID_OPTION',
      `Expected one deploy folder, got ${positionals.length}: ${positionals.join(' ')}.`,
    );
  }
  if (values['no-pin'] === true && values['pin-manifest'] !== undefined) {
    throw new ImageError(
      'THAW_IMAGE_INVALID_OPTION',
      'Pass either --pin-manifest <file> or --no-pin, not both.',
    );
  }
  const pin = values['no-pin'] === true ? false : values['pin-manifest'];
  const options: BuildImageOptions = {
    ...(positionals[0] === undefined ? {} : { deployDir: positionals[0] }),
    ...(values.tag === undefined ? {} : { tag: values.tag }),
    output:
      values['oci-layout'] !== undefined ? 'oci-layout' : values.tarball !== undefined ? 'tarball' : 'push',
    ...(values['oci-layout'] === undefined ? {} : { ociLayoutDir: values['oci-layout'] }),
    ...(values.tarball === undefined ? {} : { tarballFile: values.tarball }),
    ...(values.base === undefined ? {} : { base: values.base }),
    ...(values.platform === undefined ? {} : { platform: values.platform }),
    ...(values.workdir === undefined ? {} : { workDir: values.workdir }),
    ...(values.user === undefined ? {} : { user: values.user }),
    ...(values.source === undefined ? {} : { source: values.source }),
    ...(values.revision === undefined ? {} : { revision: values.revision }),
    ...(pin === undefined ? {} : { pinManifest: pin }),
    ...(values['insecure-registry'] === undefined ? {} : { insecureRegistries: values['insecure-registry'] }),
  };
  return { options, json: values.json === true };
}

/**
 * Runs `thaw image` with the arguments after `image`; resolves with the exit code
 * (0 built, 1 failed, 2 bad usage).
 *
 * @example
 * ```ts
 * process.exitCode = await runImageCommand(['--tag', 'registry.example.com/checkout:1', 'deploy']);
 * ```
 */
export async function runImageCommand(args: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof optionsFrom>;
  try {
    parsed = optionsFrom(args);
  } catch (error) {
    process.stderr.write(
      `thaw image: ${sentence(error instanceof Error ? error.message : String(error))} See thaw image --help.\n`,
    );
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(`${imageHelp}\n`);
    return 0;
  }
  const { options, json } = parsed;
  try {
    const result = await buildImage({
      ...options,
      log: (line) => process.stderr.write(`thaw image: ${line}\n`),
    });
    if (json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      for (const line of formatImageSizeReport(result.size, result.push)) process.stdout.write(`${line}\n`);
      process.stdout.write(`${result.pinnedReference ?? result.manifestDigest}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ImageError) {
      process.stderr.write(`thaw image: ${error.message}\n`);
      return error.code === 'THAW_IMAGE_INVALID_OPTION' || error.code === 'THAW_IMAGE_DEPLOY_FOLDER' ? 2 : 1;
    }
    throw error;
  }
}

// A message as a sentence: ends in `.`, `?` or `!`, so a hint can follow it.
function sentence(message: string): string {
  return /[.?!]$/.test(message) ? message : `${message}.`;
}
