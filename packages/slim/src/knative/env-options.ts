/** One key of a Secret or ConfigMap, read into an environment variable when the pod starts. */
export interface KeyRef {
  /** Name of the Secret or ConfigMap in the Service's namespace. */
  readonly name: string;
  /** Key inside it. */
  readonly key: string;
  /** Start the pod even when the object or key is missing. @default false */
  readonly optional?: boolean;
}

/**
 * An environment variable's value: a literal (never a secret: it is written into the manifest),
 * or a reference to a key of a Secret or ConfigMap, which the manifest names but never holds.
 *
 * @example
 * ```ts
 * const url: EnvValue = { secretKeyRef: { name: 'order-risk-db', key: 'url' } };
 * ```
 */
export type EnvValue = string | { readonly secretKeyRef: KeyRef } | { readonly configMapKeyRef: KeyRef };

/** Every key of a Secret or ConfigMap as environment variables, optionally prefixed. */
export type EnvFromSource =
  | { readonly secretRef: string; readonly prefix?: string }
  | { readonly configMapRef: string; readonly prefix?: string };

/**
 * A volume mounted into the container: exactly one of `secret`, `configMap` or `emptyDir`.
 *
 * @example
 * ```ts
 * const certs: VolumeOptions = { name: 'certs', mountPath: '/etc/certs', secret: 'db-ca' };
 * ```
 */
export interface VolumeOptions {
  /** Volume name, a DNS label. */
  readonly name: string;
  /** Absolute path the volume is mounted at. */
  readonly mountPath: string;
  /** Name of a Secret whose keys become files (mounted read-only). */
  readonly secret?: string;
  /** Name of a ConfigMap whose keys become files (mounted read-only). */
  readonly configMap?: string;
  /** A scratch directory; `sizeLimit` is a Kubernetes quantity, `medium: 'Memory'` a tmpfs. */
  readonly emptyDir?: { readonly sizeLimit?: string; readonly medium?: 'Memory' | '' };
}
