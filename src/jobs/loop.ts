/**
 * A pass repeated in the background: the first after `firstAfterMs`, each next one `intervalMs` after the
 * previous ended (passes never overlap). `pass` returns false to end the loop. A failed pass is handed to
 * `failed` and the loop goes on. The audit sealer and the planner statistics keeper run on it.
 */
export interface Loop {
  start(): void;
  /** Stops the loop and waits for a pass in progress. */
  stop(): Promise<void>;
}

export function repeat(options: {
  pass: () => Promise<boolean>;
  failed: (error: unknown) => void;
  intervalMs: number;
  firstAfterMs: number;
}): Loop {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;

  const loop = () => {
    timer = null;
    running = options
      .pass()
      .then((more) => {
        if (!more) stopped = true;
      })
      .catch(options.failed)
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(loop, options.intervalMs);
      });
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setTimeout(loop, options.firstAfterMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
