import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { drainPools, pools } from './index.ts';

describe('pool option validation', () => {
  afterEach(async () => {
    await drainPools();
  });

  it('rejects a bad value with an error naming the option, the value and what is allowed', async () => {
    await expect(pools.pg('bad-max', { max: 0 })).rejects.toThrow(
      'Invalid pools.pg("bad-max") max: received 0; expected a whole number from 1 to 100000.',
    );
    await expect(pools.pg('bad-min', { max: 2, min: 3 })).rejects.toThrow(
      'min: received 3; expected a whole number from 0 to 2.',
    );
    await expect(pools.redis('bad-timeout', { commandTimeout: -5 })).rejects.toThrow(
      'Invalid pools.redis("bad-timeout") commandTimeout: received -5; expected a whole number of milliseconds',
    );
    await expect(
      pools.generic(
        'bad-check',
        { create: () => Promise.resolve(1), destroy: () => Promise.resolve() },
        { check: 'yes' as unknown as boolean },
      ),
    ).rejects.toBeInstanceOf(ConfigError);
    await expect(pools.generic('bad-factory', {} as never)).rejects.toThrow(
      'expected an object with create() and destroy(resource) functions',
    );
    expect(pools.names()).toEqual([]);
  });
});
