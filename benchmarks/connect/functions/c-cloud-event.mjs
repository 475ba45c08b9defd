// Shape (c) of benchmarks/shapes, not tuned for: a CloudEvents function on Redis only; the
// client's early connection switchable (early.mjs).
import { cloudEvent, init, serve } from '@thaw/runtime';
import { pools } from '@thaw/runtime/pools';
import { greetingKey, redisUrl } from '../../shapes/functions/connections.mjs';
import { earlyConnect } from './early.mjs';

const redis = init('redis', () => pools.redis('cache', { ...redisOptions(), earlyConnect }), {
  when: 'critical',
});

function redisOptions() {
  const url = new URL(redisUrl);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

serve(
  cloudEvent(async (event) => {
    const greeting = (await (await redis()).get(greetingKey)) ?? 'Hello';
    return { type: 'GreetingSent', source: '/shapes/c', data: { greeting, to: event.data?.name ?? 'World' } };
  }),
);
