/** The body the sleepy fixture answers for `?ms=`: long enough that truncation shows. */
export const sleepyBody = (ms: number): string => `slept ${ms} ms;${'x'.repeat(2_000)}`;
