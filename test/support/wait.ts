/**
 * Waiting for a condition instead of sleeping a fixed time: a busy 2-core machine may take many times
 * longer than an idle one, so deadlines are generous and only bound a test that would otherwise hang.
 */
export interface WaitOptions {
  /** Gives up after this long (default 60 s). */
  timeoutMs?: number;
  /** Pause between probes (default 50 ms). */
  intervalMs?: number;
  /** What is awaited, for the error when it never happens. */
  what?: string;
}

/** Resolves with the probe's first truthy result; a probe that throws counts as not yet. */
export async function waitFor<T>(probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 60_000, intervalMs = 50, what = 'a condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
