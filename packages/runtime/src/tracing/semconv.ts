// OpenTelemetry semantic-convention names used by thaw's spans and resource. The FaaS, cloud and
// CloudEvents names are still "incubating" upstream; they are copied here rather than imported
// from `@opentelemetry/semantic-conventions/incubating`, whose exports may change between minor
// releases, and so that naming an attribute never loads a package.

// Stable.
export const ATTR_SERVICE_NAME = 'service.name';
export const ATTR_SERVICE_VERSION = 'service.version';
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_URL_PATH = 'url.path';
export const ATTR_URL_QUERY = 'url.query';
export const ATTR_URL_SCHEME = 'url.scheme';
export const ATTR_USER_AGENT_ORIGINAL = 'user_agent.original';
export const ATTR_ERROR_TYPE = 'error.type';

// Incubating: FaaS.
export const ATTR_FAAS_COLDSTART = 'faas.coldstart';
export const ATTR_FAAS_TRIGGER = 'faas.trigger';
export const ATTR_FAAS_INVOCATION_ID = 'faas.invocation_id';
export const ATTR_FAAS_NAME = 'faas.name';
export const ATTR_FAAS_VERSION = 'faas.version';
export const ATTR_FAAS_INSTANCE = 'faas.instance';
export const FAAS_TRIGGER_VALUE_HTTP = 'http';
export const FAAS_TRIGGER_VALUE_PUBSUB = 'pubsub';

// Incubating: cloud, Kubernetes, process.
export const ATTR_CLOUD_PROVIDER = 'cloud.provider';
export const ATTR_CLOUD_PLATFORM = 'cloud.platform';
export const ATTR_CLOUD_REGION = 'cloud.region';
export const CLOUD_PROVIDER_VALUE_AWS = 'aws';
export const CLOUD_PLATFORM_VALUE_AWS_LAMBDA = 'aws_lambda';
export const ATTR_K8S_POD_NAME = 'k8s.pod.name';
export const ATTR_PROCESS_PID = 'process.pid';
export const ATTR_PROCESS_RUNTIME_NAME = 'process.runtime.name';
export const ATTR_PROCESS_RUNTIME_VERSION = 'process.runtime.version';

// Incubating: CloudEvents.
export const ATTR_CLOUDEVENTS_EVENT_ID = 'cloudevents.event_id';
export const ATTR_CLOUDEVENTS_EVENT_TYPE = 'cloudevents.event_type';
export const ATTR_CLOUDEVENTS_EVENT_SOURCE = 'cloudevents.event_source';
export const ATTR_CLOUDEVENTS_EVENT_SPEC_VERSION = 'cloudevents.event_spec_version';
export const ATTR_CLOUDEVENTS_EVENT_SUBJECT = 'cloudevents.event_subject';

// thaw's own attributes, namespaced so they never collide with a convention.
export const ATTR_THAW_PHASE_KIND = 'thaw.phase.kind';
export const ATTR_THAW_MARKS_DROPPED = 'thaw.marks.dropped';
export const ATTR_THAW_INVOCATIONS_DROPPED = 'thaw.invocations.dropped';
export const ATTR_THAW_REPLAYED = 'thaw.replayed';
/** Which SDK thaw started: `light` or `full` (`@opentelemetry/sdk-node`); on the cold start root. */
export const ATTR_THAW_TRACING_SDK = 'thaw.tracing.sdk';
export const thawResourceStatPrefix = 'thaw.resource.';
export const ATTR_THAW_MODULE_PACKAGE = 'thaw.module.package';
export const ATTR_THAW_MODULE_SELF_MS = 'thaw.module.self_ms';
export const ATTR_THAW_MODULE_INCLUSIVE_MS = 'thaw.module.inclusive_ms';
export const ATTR_THAW_MODULE_SAMPLES = 'thaw.module.samples';
export const ATTR_THAW_MODULE_PROFILE_INTERVAL_US = 'thaw.module_profile.interval_us';
export const ATTR_THAW_MODULE_PROFILE_UNTIL = 'thaw.module_profile.until';

/** The instrumentation scope of every span thaw creates. */
export const thawTracerName = '@thaw/runtime';
