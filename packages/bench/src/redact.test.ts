import { describe, expect, it } from 'vitest';
import { redactEnv, redactText } from './redact.ts';

describe('secret masking', () => {
  it('masks passwords in connection strings and key=value secrets', () => {
    expect(redactText('error: postgres://app:hunter2@db:5432/app refused')).toBe(
      'error: postgres://app:***@db:5432/app refused',
    );
    expect(redactText('redis://:s3cret@cache:6379 and ?password=abc&user=x token=xyz')).toBe(
      'redis://:***@cache:6379 and ?password=***&user=x token=***',
    );
    expect(redactText('nothing secret here')).toBe('nothing secret here');
  });

  it('masks environment values named as secrets and secrets inside other values', () => {
    expect(
      redactEnv({ DB_PASSWORD: 'p', API_KEY: 'k', DATABASE_URL: 'postgres://u:p@h/d', TARGET: 'World' }),
    ).toEqual({ DB_PASSWORD: '***', API_KEY: '***', DATABASE_URL: 'postgres://u:***@h/d', TARGET: 'World' });
  });
});
