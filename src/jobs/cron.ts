/**
 * Cron arithmetic with node-cron's own matcher, so a slot is due exactly when node-cron would fire it:
 * which minute in a window a schedule last matched, read in the schedule's timezone.
 */
import cron from 'node-cron';

const MINUTE = 60_000;

/** The minute `date` falls in (seconds and milliseconds dropped). */
export function floorMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / MINUTE) * MINUTE);
}

/**
 * The latest minute in (after, upTo] at which `expression` fires in `timezone`, or null. Walks back minute
 * by minute with node-cron's matcher (a matcher task that is never started, destroyed at once).
 */
export function latestFire(expression: string, timezone: string, after: Date, upTo: Date): Date | null {
  const matcher = cron.createTask(expression, () => {}, { timezone });
  try {
    for (let t = floorMinute(upTo).getTime(); t > after.getTime(); t -= MINUTE) {
      const at = new Date(t);
      if (matcher.match(at)) return at;
    }
    return null;
  } finally {
    void matcher.destroy();
  }
}

/** True when `expression` fires at the minute of `date` in `timezone`. */
export function firesAt(expression: string, timezone: string, date: Date): boolean {
  return latestFire(expression, timezone, new Date(floorMinute(date).getTime() - 1), date) !== null;
}
