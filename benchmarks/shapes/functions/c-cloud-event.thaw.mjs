// (c) A CloudEvents function on Redis only, the thaw way: Redis a critical init, the reply an event.
import { cloudEvent, init, serve } from '@thaw/runtime';
import { pools } from '@thaw/runtime/pools';
import { greetingKey, redisUrl } from './connections.mjs';

const redis = init('redis', () => pools.redis('cache', redisUrl), { when: 'critical' });

serve(
  cloudEvent(async (event) => {
    const greeting = (await (await redis()).get(greetingKey)) ?? 'Hello';
    return { type: 'GreetingSent', source: '/shapes/c', data: { greeting, to: event.data?.name ?? 'World' } };
  }),
);
