import { describe, expect, it } from 'vitest';
import { displayOf, fingerprintOf } from './config-fingerprint.ts';

describe('pool configuration fingerprints', () => {
  it('ignore key order and compare functions by their source', () => {
    const make = (): { create: () => number; max: number; ssl: { ca: string } } => ({
      create: () => 1,
      max: 2,
      ssl: { ca: 'x' },
    });
    expect(fingerprintOf(make())).toBe(fingerprintOf({ ssl: { ca: 'x' }, max: 2, create: make().create }));
    expect(fingerprintOf({ create: () => 1 })).not.toBe(fingerprintOf({ create: () => 2 }));
  });

  it('tell configurations apart by their secrets but never show them', () => {
    const one = { connectionString: 'postgres://app:first@db/app', password: 'alpha', ssl: { key: 'PEM' } };
    const two = { connectionString: 'postgres://app:second@db/app', password: 'beta', ssl: { key: 'PEM' } };
    expect(fingerprintOf(one)).not.toBe(fingerprintOf(two));
    expect(displayOf(one)).toBe(displayOf(two));
    expect(displayOf(one)).toBe(
      '{"connectionString":"postgres://app:***@db/app","password":"***","ssl":{"key":"***"}}',
    );
  });

  it('ignore undefined fields, as the client libraries do', () => {
    expect(fingerprintOf({ max: 2, min: undefined })).toBe(fingerprintOf({ max: 2 }));
  });
});
