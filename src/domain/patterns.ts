/**
 * Thresholds of the pattern detectors (复盘: recurring variances, rising causes, counters' recounts, losses
 * clustered by category) and of the digest's early warnings. Defaults here; an installation overrides any
 * of them with `stocktake patterns --set name=value` (kept in app_setting as `patterns.<name>`).
 */
import { z } from 'zod';

export interface PatternThresholds {
  /** Posted stocktakes looked at for a recurring SKU or location (the N of "3 of the last 5"). */
  recurringWindow: number;
  /** Stocktakes with a variance, within the window, that make a SKU or location recurring. */
  recurringMin: number;
  /** Posted stocktakes in a cause's loss series (the newest against the mean of the ones before). */
  causeWindow: number;
  /** The newest loss must exceed the mean of the earlier ones by this factor (1.5 = 50 % above). */
  causeRiseFactor: number;
  /** …and be at least this value (currency units), so small amounts do not raise alarms. */
  causeMinLoss: string;
  /** Counted stocktakes looked at for counters' recounts. */
  counterWindow: number;
  /** A counter's first counts that needed a recount, as a percent, at or above which they are named. */
  counterRecountPercent: number;
  /** …with at least this many first-counted lines in the window. */
  counterMinLines: number;
  /** Posted stocktakes looked at for loss clusters. */
  clusterWindow: number;
  /** A category's share of all loss value, in percent, at or above which it is a cluster… */
  clusterMinSharePercent: number;
  /** …when that share is at least this many times its share of book value (lift). */
  clusterMinLift: number;
}

export const DEFAULT_PATTERN_THRESHOLDS: Readonly<PatternThresholds> = Object.freeze({
  recurringWindow: 5,
  recurringMin: 3,
  causeWindow: 5,
  causeRiseFactor: 1.5,
  causeMinLoss: '100.00',
  counterWindow: 5,
  counterRecountPercent: 10,
  counterMinLines: 20,
  clusterWindow: 5,
  clusterMinSharePercent: 40,
  clusterMinLift: 2,
});

const window = z.coerce.number().int().min(1).max(52);
const thresholdSchema = z.object({
  recurringWindow: window,
  recurringMin: z.coerce.number().int().min(1).max(52),
  causeWindow: z.coerce.number().int().min(2).max(52),
  causeRiseFactor: z.coerce.number().min(1).max(100),
  causeMinLoss: z
    .string()
    .trim()
    .regex(/^\d{1,15}(\.\d{1,2})?$/, 'must be a money amount such as 100 or 100.00'),
  counterWindow: window,
  counterRecountPercent: z.coerce.number().min(0).max(100),
  counterMinLines: z.coerce.number().int().min(1).max(1_000_000),
  clusterWindow: window,
  clusterMinSharePercent: z.coerce.number().min(0).max(100),
  clusterMinLift: z.coerce.number().min(0).max(1000),
});

export const PATTERN_THRESHOLD_NAMES = Object.keys(DEFAULT_PATTERN_THRESHOLDS) as (keyof PatternThresholds)[];

export function isThresholdName(name: string): name is keyof PatternThresholds {
  return (PATTERN_THRESHOLD_NAMES as string[]).includes(name);
}

/** One threshold's text checked and normalised; an error message (English) when it does not fit. */
export function parseThreshold(name: keyof PatternThresholds, text: string): { ok: true; value: string } | { ok: false; reason: string } {
  const parsed = thresholdSchema.shape[name].safeParse(text);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((i) => i.message).join('; ') };
  return { ok: true, value: String(parsed.data) };
}

/** The defaults with the stored overrides laid over them; a stored value that no longer parses is ignored. */
export function thresholdsFrom(stored: Partial<Record<string, string>>, overrides: Partial<PatternThresholds> = {}): PatternThresholds {
  const out: Record<string, unknown> = { ...DEFAULT_PATTERN_THRESHOLDS };
  for (const name of PATTERN_THRESHOLD_NAMES) {
    const text = stored[name];
    if (text === undefined) continue;
    const parsed = thresholdSchema.shape[name].safeParse(text);
    if (parsed.success) out[name] = parsed.data;
  }
  return { ...(out as unknown as PatternThresholds), ...overrides };
}

/** Manager and admin see everyone's figures; anyone else with a role sees only their own (绩效). */
export const PERFORMANCE_ROLES = ['manager', 'admin'] as const;

/** The seed's cycle time from counting closed to posted: 5 days before the product, 1 day the target. */
export const CYCLE_BASELINE_SECONDS = 5 * 86_400;
export const CYCLE_TARGET_SECONDS = 86_400;

/** Closed stocktakes the performance figures look at by default. */
export const DEFAULT_PERFORMANCE_WINDOW = 10;
