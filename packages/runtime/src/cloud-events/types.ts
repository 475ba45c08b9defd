// The shapes a CloudEvents handler sees and returns. Declared here rather than taken from the
// cloudevents package so that the public types of @thaw/runtime resolve without that optional
// peer installed. The SDK's CloudEvent class satisfies both shapes.

/** A scalar extension attribute value as CloudEvents 1.0 allows it. */
export type CloudEventAttributeValue = string | number | boolean;

/**
 * A received CloudEvents 1.0 event: its attributes, its extensions as top-level fields, and `data`.
 *
 * @example
 * ```ts
 * serve(cloudEvent<{ orderId: string }>((event) => void console.log(event.id, event.data?.orderId)));
 * ```
 */
export interface ReceivedCloudEvent<T = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly datacontenttype?: string;
  readonly dataschema?: string;
  readonly subject?: string;
  readonly time?: string;
  /** JSON bodies parsed, `text/*` as a string, anything else as bytes. */
  readonly data?: T;
  readonly [extension: string]: unknown;
}

/**
 * An event a handler returns as its reply, or passes to `publish()`; `id` and `time` are filled in when absent.
 *
 * @example
 * ```ts
 * const reply: CloudEventInit = { type: 'com.example.checked', source: '/risk', data: { ok: true } };
 * ```
 */
export interface CloudEventInit {
  readonly type: string;
  readonly source: string;
  readonly id?: string;
  /** Only `1.0` is sent; typed as a string so a `cloudevents` SDK `CloudEvent` is accepted as it is. */
  readonly specversion?: string;
  readonly datacontenttype?: string;
  readonly dataschema?: string;
  readonly subject?: string;
  readonly time?: string;
  readonly data?: unknown;
  readonly [extension: string]: unknown;
}
