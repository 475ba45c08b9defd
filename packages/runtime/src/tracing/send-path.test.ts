import { describe, expect, it } from 'vitest';
import { LoadPacer } from './load-pacer.ts';
import { preloadSendPath, sendPathBuiltins } from './send-path.ts';

describe('preloading the exporter’s send path', () => {
  it('loads each built-in and then the ES module the exporter imports, a paced step each', async () => {
    const pacer = new LoadPacer({ quietMs: 0, maxWaitMs: 1000 });
    await preloadSendPath('http://127.0.0.1:4318/v1/traces', pacer.pace);
    expect(pacer.steps).toBe(sendPathBuiltins.length + 1);
    // Node's list of the built-ins it has loaded: present at run time, not in @types/node.
    const { moduleLoadList } = process as NodeJS.Process & { readonly moduleLoadList: readonly string[] };
    expect(moduleLoadList).toContain('NativeModule internal/deps/undici/undici');
  });

  it('does nothing when another exporter sends', async () => {
    const pacer = new LoadPacer({ quietMs: 0, maxWaitMs: 1000 });
    await preloadSendPath(undefined, pacer.pace);
    expect(pacer.steps).toBe(0);
  });
});
