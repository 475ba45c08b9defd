// What a container run takes from a Knative Service manifest (serving.knative.dev/v1): the
// first container's image, env, containerPort, readinessProbe and resources.limits, and the
// revision's containerConcurrency. The manifest drives the run; overrides (local hosts instead
// of in-cluster ones, other limits) are applied on top by the caller.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { BenchConfigError } from '../errors.ts';
import { type KnativeProbe } from './prober.ts';

/** The run settings a Service manifest declares. */
export interface ServiceSettings {
  readonly image: string;
  readonly env: Readonly<Record<string, string>>;
  readonly containerPort: number;
  readonly probe: KnativeProbe;
  readonly successThreshold: number;
  readonly containerConcurrency: number;
  /** CPU limit in cores; undefined when none is declared. */
  readonly cpus: number | undefined;
  readonly memoryBytes: number | undefined;
}

const memoryUnits: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
};

/**
 * Parses a Kubernetes CPU quantity into cores.
 *
 * @example
 * ```ts
 * parseCpu('500m'); // 0.5
 * ```
 */
export function parseCpu(value: string | number, path = 'cpu'): number {
  const match = /^(\d+(?:\.\d+)?)(m?)$/u.exec(String(value).trim());
  if (match === null) throw new BenchConfigError(path, value, 'a CPU quantity such as "500m" or "1"');
  const cores = Number(match[1]) / (match[2] === 'm' ? 1000 : 1);
  if (cores <= 0) throw new BenchConfigError(path, value, 'a CPU quantity above zero');
  return cores;
}

/**
 * Parses a Kubernetes memory quantity into bytes.
 *
 * @example
 * ```ts
 * parseMemory('128Mi'); // 134217728
 * ```
 */
export function parseMemory(value: string | number, path = 'memory'): number {
  const match = /^(\d+(?:\.\d+)?)(|k|M|G|Ki|Mi|Gi)$/u.exec(String(value).trim());
  if (match === null)
    throw new BenchConfigError(path, value, 'a memory quantity such as "128Mi", "256M" or "1Gi"');
  return Math.round(Number(match[1]) * (memoryUnits[match[2] ?? ''] ?? 1));
}

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a Knative Service manifest (a `service.yaml` as `thaw slim` writes it).
 *
 * @example
 * ```ts
 * const settings = readServiceManifest('deploy/knative/service.yaml');
 * console.log(settings.image, settings.cpus, settings.containerConcurrency);
 * ```
 */
export function readServiceManifest(file: string): ServiceSettings {
  const source = file;
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BenchConfigError('service', file, 'a readable Knative Service YAML file', {
      cause: error,
      source,
    });
  }
  if (!isRecord(doc) || doc.kind !== 'Service')
    throw new BenchConfigError('kind', isRecord(doc) ? doc.kind : doc, '"Service" (serving.knative.dev/v1)', {
      source,
    });
  const template = isRecord(doc.spec) && isRecord(doc.spec.template) ? doc.spec.template : {};
  const spec = isRecord(template.spec) ? template.spec : {};
  const containers = Array.isArray(spec.containers) ? (spec.containers as unknown[]) : [];
  const container = containers[0];
  if (!isRecord(container))
    throw new BenchConfigError('spec.template.spec.containers[0]', container, 'a container', { source });
  const at = 'spec.template.spec.containers[0]';
  if (typeof container.image !== 'string' || container.image === '')
    throw new BenchConfigError(`${at}.image`, container.image, 'an image reference', { source });
  const env: Record<string, string> = {};
  for (const entry of Array.isArray(container.env) ? (container.env as unknown[]) : []) {
    if (!isRecord(entry) || typeof entry.name !== 'string') continue;
    const value = entry.value;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      env[entry.name] = String(value);
  }
  const ports = Array.isArray(container.ports) ? (container.ports as unknown[]) : [];
  const port = isRecord(ports[0]) ? Number(ports[0].containerPort) : 8080;
  const readiness = isRecord(container.readinessProbe) ? container.readinessProbe : {};
  const httpGet = isRecord(readiness.httpGet) ? readiness.httpGet : undefined;
  const probe: KnativeProbe =
    httpGet !== undefined && typeof httpGet.path === 'string'
      ? { httpGet: { path: httpGet.path.startsWith('/') ? httpGet.path : `/${httpGet.path}` } }
      : { tcpSocket: true };
  const limits =
    isRecord(container.resources) && isRecord(container.resources.limits) ? container.resources.limits : {};
  const cpu = limits.cpu as string | number | undefined;
  const memory = limits.memory as string | number | undefined;
  return {
    image: container.image,
    env,
    containerPort: Number.isInteger(port) ? port : 8080,
    probe,
    successThreshold: typeof readiness.successThreshold === 'number' ? readiness.successThreshold : 1,
    containerConcurrency: typeof spec.containerConcurrency === 'number' ? spec.containerConcurrency : 0,
    cpus: cpu === undefined ? undefined : parseCpu(cpu, `${at}.resources.limits.cpu`),
    memoryBytes: memory === undefined ? undefined : parseMemory(memory, `${at}.resources.limits.memory`),
  };
}
