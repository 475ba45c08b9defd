// The resource attributes that describe this function instance, computed from the environment
// alone so they can be built before (and without) any OpenTelemetry package. Knative and Cloud
// Run set K_SERVICE / K_REVISION; Lambda (behind a web adapter) sets AWS_LAMBDA_*.
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
 * `service.version` and `faas.version` from `K_REVISION`, `faas.name`, and the cloud attributes
 * the environment reveals. Empty values are left out.
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
