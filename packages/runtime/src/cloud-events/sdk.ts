// The cloudevents SDK is an optional peer loaded on first use: a function that never handles or
// publishes an event never pays for it (it pulls in ajv and uuid).
import type * as CloudEventsModule from 'cloudevents';
import { PeerMissingError } from '../errors.ts';

/** The SDK module, as its types describe it. */
export type CloudEventsSdk = typeof CloudEventsModule;

let loading: Promise<CloudEventsSdk> | undefined;

/** Loads `cloudevents` once; a missing package becomes a {@link PeerMissingError}. */
export function loadCloudEventsSdk(feature: string): Promise<CloudEventsSdk> {
  loading ??= import('cloudevents').catch((error: unknown) => {
    loading = undefined;
    throw new PeerMissingError('cloudevents', feature, { cause: error });
  });
  return loading;
}
