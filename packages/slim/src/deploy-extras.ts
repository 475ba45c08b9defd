import { stringify } from 'yaml';
import { writeOut } from './deploy-folder.ts';
import type { ManifestFile } from './deploy-manifest.ts';
import { compileCacheFillScript, compileCacheFillScriptName } from './compile-cache-fill-script.ts';
import { dockerfile, dockerignore } from './dockerfile.ts';
import type { ResolvedKnativeOptions } from './knative/options.ts';
import { knativeBroker } from './knative/broker.ts';
import { knativePingSource } from './knative/ping-source.ts';
import { knativePodMonitor } from './knative/pod-monitor.ts';
import { knativeService } from './knative/service.ts';
import { knativeSinkBinding } from './knative/sinkbinding.ts';
import { knativeTrigger } from './knative/trigger.ts';

/** What the files beside the runtime files are made from. */
export interface DeployExtrasInput {
  readonly outDir: string;
  readonly files: readonly ManifestFile[];
  readonly nodeVersion: string;
  readonly baseImage: string | null;
  readonly buildImage: string | null;
  readonly compileCache: boolean;
  readonly enableSourceMaps: boolean;
  readonly knative: ResolvedKnativeOptions;
}

/**
 * Writes the Dockerfile, `.dockerignore` and the Knative manifests beside the runtime files and
 * returns the manifests' paths.
 *
 * @example
 * ```ts
 * const manifests = writeDeployExtras({ outDir, files, nodeVersion: '24.21.0', baseImage: null,
 *   buildImage: null, compileCache: true, enableSourceMaps: false, knative });
 * ```
 */
export function writeDeployExtras(input: DeployExtrasInput): string[] {
  const topLevel = (layer: ManifestFile['layer']): string[] =>
    [
      ...new Set(input.files.filter((f) => f.layer === layer).map((f) => f.path.split('/')[0] ?? f.path)),
    ].sort();
  writeOut(
    input.outDir,
    'Dockerfile',
    dockerfile({
      nodeVersion: input.nodeVersion,
      baseImage: input.baseImage,
      buildImage: input.buildImage,
      tracingPaths: topLevel('tracing'),
      dependencyPaths: topLevel('dependencies'),
      appPaths: topLevel('app'),
      compileCache: input.compileCache,
      enableSourceMaps: input.enableSourceMaps,
      port: input.knative.port,
    }),
  );
  writeOut(input.outDir, '.dockerignore', dockerignore(input.enableSourceMaps));
  if (input.compileCache) writeOut(input.outDir, compileCacheFillScriptName, compileCacheFillScript());
  const manifests: string[] = [];
  for (const [name, object] of [
    ['knative/service.yaml', knativeService(input.knative)],
    ['knative/trigger.yaml', knativeTrigger(input.knative)],
    ['knative/sinkbinding.yaml', knativeSinkBinding(input.knative)],
    ['knative/broker.yaml', knativeBroker(input.knative)],
    ['knative/pingsource.yaml', knativePingSource(input.knative)],
    ['knative/podmonitor.yaml', knativePodMonitor(input.knative)],
  ] as const) {
    if (object === null) continue;
    writeOut(input.outDir, name, stringify(object, { sortMapEntries: false, lineWidth: 0 }));
    manifests.push(name);
  }
  return manifests;
}
