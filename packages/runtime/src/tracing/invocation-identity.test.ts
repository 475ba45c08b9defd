import { describe, expect, it } from 'vitest';
import { IdentityStore, invocationIdentity } from './invocation-identity.ts';
import { PresetIdGenerator } from './preset-ids.ts';

const caller = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('the identity of an invocation that starts before the tracer', () => {
  it('continues the caller’s trace with a span id of its own when thaw’s SDK will create the span', () => {
    const identity = invocationIdentity({ traceparent: caller, tracestate: 'shop=1' }, true)!;
    expect(identity.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(identity.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(identity.spanId).not.toBe('00f067aa0ba902b7');
    expect(identity).toMatchObject({ traceFlags: 1, tracestate: 'shop=1', preset: true });
  });

  it('starts a new sampled trace when the caller sent none, or an invalid one', () => {
    for (const headers of [{}, { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' }]) {
      const identity = invocationIdentity(headers, true)!;
      expect(identity.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(identity.traceId).not.toBe('00000000000000000000000000000000');
      expect(identity).toMatchObject({ traceFlags: 1, preset: true });
      expect(identity.tracestate).toBeUndefined();
    }
  });

  it('passes only the caller’s context on when an application provider draws the ids', () => {
    expect(invocationIdentity({ traceparent: caller }, false)).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      preset: false,
    });
    expect(invocationIdentity({}, false)).toBeUndefined();
  });

  it('is found inside the invocation’s async work and nowhere else', async () => {
    const store = new IdentityStore();
    const identity = invocationIdentity({}, true)!;
    const seen = await store.run(identity, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return store.current();
    });
    expect(seen).toBe(identity);
    expect(store.current()).toBeUndefined();
  });
});

describe('the preset id generator', () => {
  it('gives the preset ids inside with() and random ones outside', () => {
    const ids = new PresetIdGenerator();
    const preset = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    expect(ids.with(preset, () => [ids.generateSpanId(), ids.generateTraceId()])).toEqual([
      preset.spanId,
      preset.traceId,
    ]);
    expect(ids.generateSpanId()).not.toBe(preset.spanId);
    expect(ids.generateTraceId()).toMatch(/^[0-9a-f]{32}$/);
  });
});
