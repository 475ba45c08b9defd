import { describe, expect, it } from 'vitest';
import { requireTools } from './support/tools.ts';

describe('the image tests’ tool check', () => {
  it('names each missing tool and the apt-get command that installs it', () => {
    expect(() => {
      requireTools(['sh', 'thaw-no-such-tool']);
    }).toThrow(
      'The image tests need thaw-no-such-tool, which is not installed. Install with: apt-get install -y thaw-no-such-tool',
    );
    expect(() => {
      requireTools(['sh']);
    }).not.toThrow();
  });
});
