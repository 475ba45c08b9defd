// Sizes of the image, layer by layer: what the base weighs, what the function adds on top,
// and how long the push took. Base layers are counted compressed (what a node pulls); their
// uncompressed size is not known without downloading them.
import { type BaseImage } from './base-image.ts';
import { sharedLayerRoles, type LayerRole } from '../deploy-manifest.ts';
import { type BuiltLayer } from './layer.ts';
import { formatBytes } from '../format-bytes.ts';
import { type PushResult } from './push-image.ts';

/** One layer of the report. */
export interface LayerSize {
  readonly role: 'base' | LayerRole;
  /**
   * `shared`: the same blob for every function on the same base built with the same thaw
   * version (the base's layers, the tracing layer), pulled once per node; `unique`: this
   * function's own.
   */
  readonly sharing: 'shared' | 'unique';
  readonly digest: string;
  readonly compressedBytes: number;
  /** Null for base layers. */
  readonly uncompressedBytes: number | null;
}

/** Sizes of a built image. */
export interface ImageSizeReport {
  readonly layers: readonly LayerSize[];
  readonly baseCompressedBytes: number;
  readonly functionCompressedBytes: number;
  readonly functionUncompressedBytes: number;
  /** Compressed bytes of the layers only this function has (its dependencies and app). */
  readonly uniqueCompressedBytes: number;
  /** Compressed bytes of thaw's layers shared by every function (the tracing layer). */
  readonly sharedCompressedBytes: number;
  readonly totalCompressedBytes: number;
  /** The function's layers as a share of the compressed total, 0 to 1. */
  readonly functionShare: number;
}

/**
 * Computes the size report of an image.
 *
 * @example
 * ```ts
 * const report = imageSizeReport(base, [dependencies, app]);
 * console.log(`${(report.functionShare * 100).toFixed(1)} % of the image is the function`);
 * ```
 */
export function imageSizeReport(base: BaseImage, layers: readonly BuiltLayer[]): ImageSizeReport {
  const baseLayers: LayerSize[] = base.manifest.layers.map((l) => ({
    role: 'base',
    sharing: 'shared',
    digest: l.digest,
    compressedBytes: l.size,
    uncompressedBytes: null,
  }));
  const own: LayerSize[] = layers.map((l) => ({
    role: l.role,
    sharing: sharedLayerRoles.has(l.role) ? 'shared' : 'unique',
    digest: l.digest,
    compressedBytes: l.compressedBytes,
    uncompressedBytes: l.uncompressedBytes,
  }));
  const baseCompressedBytes = baseLayers.reduce((sum, l) => sum + l.compressedBytes, 0);
  const functionCompressedBytes = own.reduce((sum, l) => sum + l.compressedBytes, 0);
  const uniqueCompressedBytes = own
    .filter((l) => l.sharing === 'unique')
    .reduce((sum, l) => sum + l.compressedBytes, 0);
  const total = baseCompressedBytes + functionCompressedBytes;
  return {
    layers: [...baseLayers, ...own],
    baseCompressedBytes,
    functionCompressedBytes,
    functionUncompressedBytes: own.reduce((sum, l) => sum + (l.uncompressedBytes ?? 0), 0),
    uniqueCompressedBytes,
    sharedCompressedBytes: functionCompressedBytes - uniqueCompressedBytes,
    totalCompressedBytes: total,
    functionShare: total === 0 ? 0 : functionCompressedBytes / total,
  };
}

/** A share as a percentage that stays readable when tiny (`0.0016 %`, not `0.0 %`). */
export function formatPercent(share: number): string {
  const percent = share * 100;
  return `${percent >= 1 || percent === 0 ? percent.toFixed(1) : percent.toPrecision(2)} %`;
}

/**
 * The report as terminal lines.
 *
 * @example
 * ```ts
 * for (const line of formatImageSizeReport(report, push)) console.log(line);
 * ```
 */
export function formatImageSizeReport(report: ImageSizeReport, push: PushResult | undefined): string[] {
  const lines = ['layer          sharing  digest                compressed  uncompressed'];
  for (const layer of report.layers) {
    const unpacked = layer.uncompressedBytes === null ? '-' : formatBytes(layer.uncompressedBytes);
    lines.push(
      `${layer.role.padEnd(14)} ${layer.sharing.padEnd(8)} ${layer.digest.slice(7, 19).padEnd(21)} ${formatBytes(layer.compressedBytes).padStart(10)}  ${unpacked.padStart(12)}`,
    );
  }
  lines.push(
    `base ${formatBytes(report.baseCompressedBytes)} + function ${formatBytes(report.functionCompressedBytes)} = ${formatBytes(report.totalCompressedBytes)} compressed; the function adds ${formatPercent(report.functionShare)} (${formatBytes(report.functionUncompressedBytes)} unpacked).`,
  );
  if (report.sharedCompressedBytes > 0) {
    lines.push(
      `of the function's layers, ${formatBytes(report.uniqueCompressedBytes)} are its own and ${formatBytes(report.sharedCompressedBytes)} are shared by every function built with this thaw version (pulled once per node).`,
    );
  }
  if (push !== undefined) {
    const count = (action: string): number => push.blobs.filter((b) => b.action === action).length;
    lines.push(
      `pushed in ${(push.durationMs / 1000).toFixed(2)} s: ${count('uploaded')} blobs uploaded (${formatBytes(push.uploadedBytes)}), ${count('mounted')} mounted, ${count('existing')} already there.`,
    );
  }
  return lines;
}
