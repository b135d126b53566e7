/**
 * Waiting in tests: for a condition, never for a fixed time, with deadlines a busy machine cannot reach.
 *
 * CI runs two test files at once on 2 cores beside Postgres, and people share the machine: at a load of
 * 12-16 a CLI command took 10-25 s, the interleavings property 73 s instead of ~20 s, and a group's
 * stocktake through the Telegram fake 28 s. A deadline only decides how long a broken test takes to say
 * so; a condition that holds returns at once.
 */

/** How long a test waits for something that should happen (a message, a connection, a row, a server). */
export const PATIENCE_MS = 60_000;

/** What one step of a long walk (a CLI command, a page and its live updates, a property's run) may take. */
export const STEP_MS = 60_000;

/** A time limit for a test that walks `steps` steps, each allowed STEP_MS: it grows with the work. */
export function stepsBudget(steps: number): number {
  return Math.max(1, steps) * STEP_MS;
}

export interface WaitOptions {
  /** Gives up after this long (default PATIENCE_MS). */
  timeoutMs?: number;
  /** Pause between probes (default 50 ms). */
  intervalMs?: number;
  /** What is awaited, for the error when it never happens. */
  what?: string;
}

/** Resolves with the probe's first truthy result; a probe that throws counts as not yet. */
export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  options: WaitOptions = {},
): Promise<T> {
  const { timeoutMs = PATIENCE_MS, intervalMs = 50, what = probe.toString() } = options;
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

/** Whether a process with this pid is running (signal 0 only asks). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
