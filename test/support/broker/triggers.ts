// The broker's routing table, read from Knative manifests: every Trigger (its broker, exact
// attribute filter, subscriber and delivery) and every Broker (whose delivery is the default of
// its Triggers). The end-to-end tests hand it the manifests the examples commit, so what is
// deployed is what is tested.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  deliveryPolicy,
  destination,
  noDelivery,
  type DeliveryPolicy,
  type Destination,
} from './delivery-policy.ts';

/** A Trigger as the broker applies it. */
export interface Trigger {
  readonly name: string;
  readonly broker: string;
  /** `spec.filter.attributes`: every one must equal the event's attribute. */
  readonly filter: Readonly<Record<string, string>>;
  readonly subscriber: Destination;
  /** The Trigger's own delivery, else its Broker's, else none. */
  readonly delivery: DeliveryPolicy;
}

/** Whether an event's attributes pass a Trigger's filter: every filter attribute, exactly. */
export function matches(
  filter: Readonly<Record<string, string>>,
  attributes: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(filter).every(([name, value]) => attributes[name] === value);
}

/** The Triggers and Brokers among the YAML documents of the given manifests. */
export function routingFromManifests(manifests: readonly string[]): {
  triggers: Trigger[];
  brokers: Map<string, DeliveryPolicy>;
} {
  const documents = manifests.flatMap((text) => parseAllDocuments(text).map((doc) => doc.toJS() as unknown));
  const brokers = new Map<string, DeliveryPolicy>();
  const specs: Array<{ name: string; spec: Record<string, unknown> }> = [];
  for (const doc of documents) {
    const object = doc as {
      apiVersion?: string;
      kind?: string;
      metadata?: { name?: string };
      spec?: Record<string, unknown>;
    };
    if (object.apiVersion !== 'eventing.knative.dev/v1') continue;
    const name = object.metadata?.name;
    if (typeof name !== 'string') throw new Error(`A ${object.kind} manifest has no metadata.name.`);
    if (object.kind === 'Broker')
      brokers.set(name, deliveryPolicy(object.spec?.['delivery'], `Broker ${name}.spec`));
    if (object.kind === 'Trigger') specs.push({ name, spec: object.spec ?? {} });
  }
  const triggers = specs.map(({ name, spec }): Trigger => {
    const broker = typeof spec['broker'] === 'string' ? spec['broker'] : 'default';
    const filter = (spec['filter'] as { attributes?: Record<string, string> } | undefined)?.attributes ?? {};
    const subscriber = destination(spec['subscriber'], `Trigger ${name}.spec.subscriber`);
    if (subscriber === undefined) throw new Error(`Trigger ${name} has no subscriber.`);
    const own = spec['delivery'];
    return {
      name,
      broker,
      filter,
      subscriber,
      delivery:
        own === undefined ? (brokers.get(broker) ?? noDelivery) : deliveryPolicy(own, `Trigger ${name}.spec`),
    };
  });
  return { triggers, brokers };
}

/** The text of every `.yaml` file in the given folders. */
export function manifestsIn(...dirs: string[]): string[] {
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => readFileSync(join(dir, name), 'utf8')),
  );
}
