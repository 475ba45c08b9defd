import { describe, expect, it } from 'vitest';
import { ConfigError, PeerMissingError, ThawError, redactSecrets } from './errors.ts';

describe('errors', () => {
  it('a ConfigError names the option, the value received and what is allowed', () => {
    const error = new ConfigError('port', 'abc', 'an integer from 0 to 65535');
    expect(error).toBeInstanceOf(ThawError);
    expect(error.code).toBe('THAW_CONFIG_INVALID');
    expect(error.option).toBe('port');
    expect(error.message).toBe('Invalid port: received "abc"; expected an integer from 0 to 65535.');
  });

  it('a PeerMissingError says which package to install', () => {
    const cause = new Error("Cannot find package 'pg'");
    const error = new PeerMissingError('pg', 'pools.pg()', { cause });
    expect(error.code).toBe('THAW_PEER_MISSING');
    expect(error.message).toContain('npm install pg');
    expect(error.cause).toBe(cause);
  });

  it('redacts passwords in connection strings and query parameters', () => {
    expect(redactSecrets('postgres://app:hunter2@db.internal:5432/app')).toBe(
      'postgres://app:***@db.internal:5432/app',
    );
    expect(redactSecrets('redis://:s3cret@cache:6379/0')).toBe('redis://:***@cache:6379/0');
    expect(redactSecrets('host=db password=hunter2 user=app')).toBe('host=db password=*** user=app');
    expect(redactSecrets('https://api/x?token=abc&x=1')).toBe('https://api/x?token=***&x=1');
  });

  it('leaves connection strings without credentials alone', () => {
    expect(redactSecrets('postgres://postgres@127.0.0.1:5432/test')).toBe(
      'postgres://postgres@127.0.0.1:5432/test',
    );
    expect(redactSecrets('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
