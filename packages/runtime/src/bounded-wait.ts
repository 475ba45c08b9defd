// Waits with a bound, for the pools' drains and the telemetry flush's collector check.

/**
 * The answer of the first of `promises` to settle (a rejection rejects), or `undefined` once `ms`
 * have passed. The timer never holds the process open and is cleared as soon as the race is
 * decided.
 */
export async function firstWithin<T>(promises: readonly Promise<T>[], ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      resolve(undefined);
    }, ms);
    timer.unref();
  });
  try {
    return await Promise.race([...promises, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `promise` settles (either way) within `ms`; see {@link firstWithin}. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = promise.then(
    () => true,
    () => true,
  );
  return (await firstWithin([settled], ms)) ?? false;
}

/** Resolves after `ms`; the timer never holds the process open. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
}
