import { SlimConfigError } from '../errors.ts';
import type { EnvFromSource, EnvValue, KeyRef, VolumeOptions } from './env-options.ts';
import { checkDnsLabel, checkObjectName } from './known-keys.ts';
import { checkKnownKeys, isRecord } from '../validators.ts';
import { parseQuantity } from './quantity.ts';

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
// A literal value with credentials in it (`scheme://user:password@host`) would be written into
// the manifest in the clear.
const credentialsInUrl = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:[^/@\s]+@/i;

/**
 * Checks the container's environment: names, literal values (none carrying credentials), and
 * references that name a Secret or ConfigMap and a key — the manifest never holds their values.
 *
 * @example
 * ```ts
 * checkEnv({ DATABASE_URL: { secretKeyRef: { name: 'db', key: 'url' } } });
 * ```
 */
export function checkEnv(env: unknown): void {
  if (!isRecord(env)) throw new SlimConfigError('knative.env', env, 'an object of name → value');
  for (const [name, value] of Object.entries(env)) {
    const option = `knative.env.${name}`;
    if (!envName.test(name))
      throw new SlimConfigError(option, name, 'a name matching [A-Za-z_][A-Za-z0-9_]*');
    if (typeof value === 'string') {
      if (credentialsInUrl.test(value)) {
        throw new SlimConfigError(
          option,
          value.replace(/:\/\/[^@]*@/, '://***@'),
          'no credentials in a literal value (it is written into the manifest); keep the value in a Secret and use { secretKeyRef: { name, key } }',
        );
      }
      continue;
    }
    if (!isRecord(value)) {
      throw new SlimConfigError(
        option,
        value,
        'a string, { secretKeyRef: { name, key } } or { configMapKeyRef: { name, key } }',
      );
    }
    checkKnownKeys(value, ['secretKeyRef', 'configMapKeyRef'], option);
    const kinds = Object.keys(value);
    if (kinds.length !== 1) {
      throw new SlimConfigError(option, value, 'exactly one of secretKeyRef or configMapKeyRef');
    }
    const kind = kinds[0] as 'secretKeyRef' | 'configMapKeyRef';
    checkKeyRef(value[kind], `${option}.${kind}`);
  }
}

function checkKeyRef(ref: unknown, option: string): asserts ref is KeyRef {
  checkKnownKeys(ref, ['name', 'key', 'optional'], option);
  const r = ref as Record<string, unknown>;
  if (r['name'] === undefined || r['name'] === '') {
    throw new SlimConfigError(
      `${option}.name`,
      r['name'],
      'the name of the Secret or ConfigMap holding the value',
    );
  }
  checkObjectName(`${option}.name`, r['name']);
  if (typeof r['key'] !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(r['key'])) {
    throw new SlimConfigError(`${option}.key`, r['key'], 'a key: letters, digits, "-", "_" and "."');
  }
  if (r['optional'] !== undefined && typeof r['optional'] !== 'boolean') {
    throw new SlimConfigError(`${option}.optional`, r['optional'], 'true or false');
  }
}

/** Checks `envFrom`: each entry names one Secret or ConfigMap, with an optional prefix. */
export function checkEnvFrom(envFrom: unknown): void {
  if (!Array.isArray(envFrom)) throw new SlimConfigError('knative.envFrom', envFrom, 'an array');
  envFrom.forEach((entry: unknown, i) => {
    const option = `knative.envFrom[${i}]`;
    checkKnownKeys(entry, ['secretRef', 'configMapRef', 'prefix'], option);
    const e = entry as Record<string, unknown>;
    const refs = ['secretRef', 'configMapRef'].filter((k) => e[k] !== undefined);
    if (refs.length !== 1)
      throw new SlimConfigError(option, entry, 'exactly one of secretRef or configMapRef (a name)');
    checkObjectName(`${option}.${refs[0] ?? ''}`, e[refs[0] ?? '']);
    if (e['prefix'] !== undefined && (typeof e['prefix'] !== 'string' || !envName.test(e['prefix']))) {
      throw new SlimConfigError(`${option}.prefix`, e['prefix'], 'a prefix matching [A-Za-z_][A-Za-z0-9_]*');
    }
  });
}

/** Checks `volumes`: unique names and mount paths, exactly one source each. */
export function checkVolumes(
  volumes: unknown,
  reservedNames: readonly string[],
  reservedPaths: readonly string[],
): void {
  if (!Array.isArray(volumes)) throw new SlimConfigError('knative.volumes', volumes, 'an array');
  const names = new Set<string>(reservedNames);
  const paths = new Set<string>(reservedPaths);
  volumes.forEach((volume: unknown, i) => {
    const option = `knative.volumes[${i}]`;
    checkKnownKeys(volume, ['name', 'mountPath', 'secret', 'configMap', 'emptyDir'], option);
    const v = volume as Record<string, unknown>;
    checkDnsLabel(`${option}.name`, v['name']);
    if (names.has(v['name'] as string)) {
      throw new SlimConfigError(
        `${option}.name`,
        v['name'],
        `a name not used by another volume (taken: ${[...names].join(', ')})`,
      );
    }
    names.add(v['name'] as string);
    if (
      typeof v['mountPath'] !== 'string' ||
      !v['mountPath'].startsWith('/') ||
      v['mountPath'].includes(':')
    ) {
      throw new SlimConfigError(`${option}.mountPath`, v['mountPath'], 'an absolute path without ":"');
    }
    if (paths.has(v['mountPath']))
      throw new SlimConfigError(
        `${option}.mountPath`,
        v['mountPath'],
        `a path no other volume is mounted at (taken: ${[...paths].join(', ')})`,
      );
    paths.add(v['mountPath']);
    const sources = ['secret', 'configMap', 'emptyDir'].filter((k) => v[k] !== undefined);
    if (sources.length !== 1)
      throw new SlimConfigError(option, volume, 'exactly one of secret, configMap or emptyDir');
    if (v['secret'] !== undefined) checkObjectName(`${option}.secret`, v['secret']);
    if (v['configMap'] !== undefined) checkObjectName(`${option}.configMap`, v['configMap']);
    if (v['emptyDir'] !== undefined) checkEmptyDir(v['emptyDir'], `${option}.emptyDir`);
  });
}

function checkEmptyDir(emptyDir: unknown, option: string): void {
  checkKnownKeys(emptyDir, ['sizeLimit', 'medium'], option);
  const { sizeLimit, medium } = emptyDir as Record<string, unknown>;
  if (sizeLimit !== undefined && (typeof sizeLimit !== 'string' || parseQuantity(sizeLimit) === undefined)) {
    throw new SlimConfigError(`${option}.sizeLimit`, sizeLimit, 'a Kubernetes quantity such as "64Mi"');
  }
  if (medium !== undefined && medium !== 'Memory' && medium !== '') {
    throw new SlimConfigError(`${option}.medium`, medium, '"Memory" (a tmpfs) or "" (the node\'s disk)');
  }
}

/** The container's `env` list, sorted by name. */
export function envEntries(env: Readonly<Record<string, EnvValue>>): Record<string, unknown>[] {
  return Object.keys(env)
    .sort()
    .map((name) => {
      const value = env[name] as EnvValue;
      if (typeof value === 'string') return { name, value };
      const [kind, ref] = Object.entries(value)[0] as [string, KeyRef];
      return {
        name,
        valueFrom: {
          [kind]: {
            name: ref.name,
            key: ref.key,
            ...(ref.optional === undefined ? {} : { optional: ref.optional }),
          },
        },
      };
    });
}

/** The container's `envFrom` list. */
export function envFromEntries(envFrom: readonly EnvFromSource[]): Record<string, unknown>[] {
  return envFrom.map((e) => ({
    ...('secretRef' in e ? { secretRef: { name: e.secretRef } } : { configMapRef: { name: e.configMapRef } }),
    ...(e.prefix === undefined ? {} : { prefix: e.prefix }),
  }));
}

/** The pod's `volumes` and the container's `volumeMounts` for the configured volumes. */
export function volumeEntries(volumes: readonly VolumeOptions[]): {
  volumes: Record<string, unknown>[];
  mounts: Record<string, unknown>[];
} {
  return {
    volumes: volumes.map((v) => ({
      name: v.name,
      ...(v.secret !== undefined ? { secret: { secretName: v.secret } } : {}),
      ...(v.configMap !== undefined ? { configMap: { name: v.configMap } } : {}),
      ...(v.emptyDir !== undefined ? { emptyDir: { ...v.emptyDir } } : {}),
    })),
    mounts: volumes.map((v) => ({
      name: v.name,
      mountPath: v.mountPath,
      ...(v.emptyDir === undefined ? { readOnly: true } : {}),
    })),
  };
}
