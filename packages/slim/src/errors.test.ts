import { describe, expect, it } from 'vitest';
import { describeValue } from './describe-value.ts';
import { BudgetExceededError, SlimConfigError, SlimError } from './errors.ts';
import { formatBytes } from './format-bytes.ts';
import { ImageError } from './image/errors.ts';

describe('the slim error family', () => {
  it('an image error is a slim error with its own stable code and cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new ImageError('THAW_IMAGE_REGISTRY_UNREACHABLE', 'The registry is down.', {
      cause,
      reference: 'registry.example.com/a:1',
    });
    expect(error).toBeInstanceOf(SlimError);
    expect(error.name).toBe('ImageError');
    expect(error.code).toBe('THAW_IMAGE_REGISTRY_UNREACHABLE');
    expect(error.cause).toBe(cause);
    expect(error.reference).toBe('registry.example.com/a:1');
  });

  it('a config error names the option and never prints an object it received', () => {
    const error = new SlimConfigError('knative', { token: 'hunter2' }, 'an object of Knative settings');
    expect(error.message).toBe(
      'Invalid knative: received an object; expected an object of Knative settings.',
    );
    expect(error.message).not.toContain('hunter2');
  });

  it('the budget error prints sizes with the package formatter', () => {
    expect(new BudgetExceededError(1_234_567, 1_000_000).message).toContain('is 1.23 MB (1234567 bytes)');
  });
});

describe('formatBytes', () => {
  it.each([
    [999, '999 B'],
    [41_200, '41.2 kB'],
    [1_234_567, '1.23 MB'],
    [12_300_000_000, '12.3 GB'],
  ])('%d bytes read %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('describeValue', () => {
  it('shows scalars, cut strings and short lists of scalars, only the kind of objects and functions', () => {
    expect(describeValue('x'.repeat(100))).toBe(JSON.stringify(`${'x'.repeat(77)}...`));
    expect(describeValue(3)).toBe('3');
    expect(describeValue(['a', 1])).toBe('["a",1]');
    expect(describeValue([{ token: 'x' }])).toBe('an array');
    expect(describeValue(() => 1)).toBe('a function');
  });
});
