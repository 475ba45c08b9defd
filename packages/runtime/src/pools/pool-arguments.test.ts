import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { nameAndConfig } from './pool-arguments.ts';

describe('pool function arguments', () => {
  it('take (config), (url), (name, config) and (name)', () => {
    expect(nameAndConfig('pools.pg()', 'pg', { max: 1 }, undefined)).toEqual({
      name: 'pg',
      config: { max: 1 },
    });
    expect(nameAndConfig('pools.pg()', 'pg', 'postgres://db/app', undefined)).toEqual({
      name: 'pg',
      config: 'postgres://db/app',
    });
    expect(nameAndConfig('pools.pg()', 'pg', 'main', { max: 1 })).toEqual({
      name: 'main',
      config: { max: 1 },
    });
    expect(nameAndConfig('pools.pg()', 'pg', 'main', undefined)).toEqual({ name: 'main', config: undefined });
  });

  it('reject a name that is not a short printable string, naming the option and the value', () => {
    expect(() => nameAndConfig('pools.pg()', 'pg', '', {})).toThrow(ConfigError);
    expect(() => nameAndConfig('pools.pg()', 'pg', 42, {})).toThrow('Invalid pools.pg() name: received 42');
  });
});
