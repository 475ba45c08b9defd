// The resource attributes that describe this function instance, computed from the environment
// alone so they can be built before (and without) any OpenTelemetry package. Knative and Cloud
// Run set K_SERVICE / K_REVISION / K_CONFIGURATION; Lambda (behind a web adapter) sets AWS_LAMBDA_*.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  ATTR_CLOUD_PLATFORM,
  ATTR_CLOUD_PROVIDER,
  ATTR_CLOUD_REGION,
  ATTR_FAAS_INSTANCE,
  ATTR_FAAS_NAME,
  ATTR_FAAS_VERSION,
  ATTR_K8S_POD_NAME,
  ATTR_PROCESS_PID,
  ATTR_PROCESS_RUNTIME_NAME,
  ATTR_PROCESS_RUNTIME_VERSION,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  CLOUD_PLATFORM_VALUE_AWS_LAMBDA,
  CLOUD_PROVIDER_VALUE_AWS,
} from './semconv.ts';

/**
 * Knative's own names of the function, as attributes of its own (OpenTelemetry has no Knative
 * conventions): the Service, the Configuration it stamps out and the Revision running.
 */
export const knativeAttributes = {
  service: 'knative.service.name',
  configuration: 'knative.configuration.name',
  revision: 'knative.revision.name',
} as const;

/** What the resource is computed from. */
export interface ResourceInput {
  /** Used when the platform does not name the service (package name, usually). */
  readonly serviceName: string;
  readonly serviceVersion?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly pid?: number;
}

/**
 * Resource attributes for this process: `service.name` from `K_SERVICE` (or the given name),
 * `service.version` and `faas.version` from `K_REVISION`, `faas.name`, `knative.*.name` from
 * `K_SERVICE`, `K_CONFIGURATION` and `K_REVISION`, and the cloud attributes the environment
 * reveals. Empty values are left out.
 *
 * @example
 * ```ts
 * thawResourceAttributes({ serviceName: 'orders', env: { K_SERVICE: 'orders', K_REVISION: 'orders-00002' } });
 * // { 'service.name': 'orders', 'service.version': 'orders-00002', 'faas.name': 'orders', … }
 * ```
 */
export function thawResourceAttributes(input: ResourceInput): Record<string, string | number> {
  const { env } = input;
  const lambdaName = nonEmpty(env['AWS_LAMBDA_FUNCTION_NAME']);
  const name = nonEmpty(env['K_SERVICE']) ?? lambdaName ?? input.serviceName;
  const version =
    nonEmpty(env['K_REVISION']) ??
    nonEmpty(env['AWS_LAMBDA_FUNCTION_VERSION']) ??
    nonEmpty(input.serviceVersion);
  const attributes: Record<string, string | number> = {
    [ATTR_SERVICE_NAME]: name,
    [ATTR_FAAS_NAME]: name,
    [ATTR_PROCESS_PID]: input.pid ?? process.pid,
    [ATTR_PROCESS_RUNTIME_NAME]: 'nodejs',
    [ATTR_PROCESS_RUNTIME_VERSION]: process.versions.node,
  };
  if (version !== undefined) {
    attributes[ATTR_SERVICE_VERSION] = version;
    attributes[ATTR_FAAS_VERSION] = version;
  }
  for (const [variable, attribute] of [
    ['K_SERVICE', knativeAttributes.service],
    ['K_CONFIGURATION', knativeAttributes.configuration],
    ['K_REVISION', knativeAttributes.revision],
  ] as const) {
    const value = nonEmpty(env[variable]);
    if (value !== undefined) attributes[attribute] = value;
  }
  // In a Kubernetes pod HOSTNAME is the pod name, which is also the FaaS instance.
  const hostname = nonEmpty(env['HOSTNAME']);
  if (nonEmpty(env['K_SERVICE']) !== undefined && hostname !== undefined) {
    attributes[ATTR_K8S_POD_NAME] = hostname;
    attributes[ATTR_FAAS_INSTANCE] = hostname;
  }
  if (lambdaName !== undefined) {
    attributes[ATTR_CLOUD_PROVIDER] = CLOUD_PROVIDER_VALUE_AWS;
    attributes[ATTR_CLOUD_PLATFORM] = CLOUD_PLATFORM_VALUE_AWS_LAMBDA;
    const region = nonEmpty(env['AWS_REGION']);
    if (region !== undefined) attributes[ATTR_CLOUD_REGION] = region;
  }
  return attributes;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * The name of the function's package: `npm_package_name` when npm started it, else the `name` of
 * the nearest `package.json` above the entry script (one without a name, such as a `dist/`
 * marker with only `"type"`, is passed over). `undefined` when there is none.
 *
 * @example
 * ```ts
 * entryPackageName(process.env, process.argv[1]); // 'order-risk'
 * ```
 */
export function entryPackageName(env: NodeJS.ProcessEnv, entry: string | undefined): string | undefined {
  const fromNpm = nonEmpty(env['npm_package_name']);
  if (fromNpm !== undefined) return fromNpm;
  if (entry === undefined || entry === '') return undefined;
  let dir = dirname(resolve(entry));
  for (;;) {
    const name = packageNameIn(dir);
    if (name !== undefined) return name;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function packageNameIn(dir: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, 'package.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const { name } = JSON.parse(text) as { name?: unknown };
    return typeof name === 'string' ? nonEmpty(name) : undefined;
  } catch {
    return undefined;
  }
}
