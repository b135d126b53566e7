/**
 * Findings and figures as phrases (src/domain/texts/patterns.ts), one line each: the CLI, the weekly report
 * card, the daily digest's warnings, the dashboard and the chat's "my figures" all read them from here.
 */
import type { Phrase } from '../../domain/phrase.ts';
import { patternTexts } from '../../domain/texts/patterns.ts';
import type { PatternReport } from './detect.ts';
import type { PerformanceReport } from './performance.ts';

const MAX_LISTED = 4;
const list = (items: readonly string[]) => (items.length > MAX_LISTED ? `${items.slice(0, MAX_LISTED).join(', ')} …` : items.join(', '));
const orDash = (text: string | null) => text ?? '–';
const hours = (seconds: number | null) => (seconds === null ? '–' : (seconds / 3600).toFixed(1));

/** Every finding, one phrase each: recurring SKUs and locations, rising causes, counters, clusters. */
export function patternPhrases(report: PatternReport): Phrase[] {
  const distinct = (codes: string[]) => list([...new Set(codes)]);
  return [
    ...report.recurringSkus.map((f) =>
      patternTexts.recurringSku(f.key, String(f.stocktakes), String(f.window), f.absValue, distinct(f.evidence.map((e) => e.stocktake))),
    ),
    ...report.recurringLocations.map((f) =>
      patternTexts.recurringLocation(
        f.key,
        String(f.stocktakes),
        String(f.window),
        f.absValue,
        distinct(f.evidence.map((e) => e.stocktake)),
      ),
    ),
    ...report.risingCauses.map((f) => risingPhrase(f)),
    ...report.counters.map((f) => counterPhrase(f)),
    ...report.clusters.map((f) =>
      patternTexts.cluster(
        f.name,
        f.lossValue,
        f.lossSharePercent,
        orDash(f.bookSharePercent),
        orDash(f.lift),
        list(f.stocktakes.map((s) => `${s.stocktake} ${s.lossValue}`)),
      ),
    ),
  ];
}

function risingPhrase(f: PatternReport['risingCauses'][number]): Phrase {
  // No loss from the cause before: "rising ×–" would say nothing; it is a new cause of loss.
  if (f.factor === null)
    return patternTexts.newCause(
      f.labelEn,
      f.labelZh,
      f.latest,
      f.latestStocktake,
      String(f.series.length - 1),
      f.series.map((s) => s.lossValue).join(' → '),
    );
  return patternTexts.risingCause(
    f.labelEn,
    f.labelZh,
    f.latest,
    f.latestStocktake,
    f.previousMean,
    orDash(f.factor),
    f.series.map((s) => s.lossValue).join(' → '),
  );
}

function counterPhrase(f: PatternReport['counters'][number]): Phrase {
  return patternTexts.counterRecounts(
    f.counter.name === f.counter.handle ? f.counter.handle : `${f.counter.name} (${f.counter.handle})`,
    String(f.recounted),
    String(f.lines),
    f.recountPercent,
    list(f.evidence.map((e) => `${e.sku}@${e.location} ${e.firstQty}→${orDash(e.finalQty)}`)),
  );
}

/**
 * The early warnings for the daily digest: a rising cause or a counter over the threshold whose newest
 * stocktake closed since `since` — the count that made the trend cross is announced once, the day after.
 */
export function warningPhrases(report: PatternReport, since: Date): Phrase[] {
  const closedAt = new Map(report.posted.map((p) => [p.code, p.closedAt ? Date.parse(p.closedAt) : 0]));
  const newest = report.posted[0];
  const fresh = newest !== undefined && (closedAt.get(newest.code) ?? 0) >= since.getTime();
  if (!fresh) return [];
  return [
    ...report.risingCauses.filter((f) => f.latestStocktake === newest.code).map(risingPhrase),
    ...report.counters.filter((f) => f.stocktakes.includes(newest.code)).map(counterPhrase),
  ];
}

/** The figures as lines: counters, reviewers, then (for managers) each stocktake and the cycle time. */
export function performancePhrases(report: PerformanceReport): Phrase[] {
  const who = (p: { handle: string; name: string }) => (p.name === p.handle ? p.handle : `${p.name} (${p.handle})`);
  return [
    ...report.counters.map((c) =>
      patternTexts.counterLine(
        who(c.person),
        orDash(c.accuracyPercent),
        String(c.matched),
        String(c.lines),
        orDash(c.recountPercent),
        orDash(c.linesPerHour),
      ),
    ),
    ...report.reviewers.map((r) =>
      patternTexts.reviewerLine(
        who(r.person),
        String(r.explained),
        String(r.kept),
        orDash(r.keptPercent),
        String(r.returned),
        String(r.changedAfterReject),
      ),
    ),
    ...(report.stocktakes ?? []).map((s) =>
      s.cycleSeconds === null
        ? patternTexts.stocktakeOpen(s.code, orDash(s.accuracyPercent), String(s.matched), String(s.lines))
        : patternTexts.stocktakeLine(
            s.code,
            orDash(s.accuracyPercent),
            String(s.matched),
            String(s.lines),
            hours(s.cycleSeconds),
            s.onTarget ? 'yes' : 'no',
          ),
    ),
    ...(report.cycleTime
      ? [
          patternTexts.cycleSummary(
            hours(report.cycleTime.medianSeconds),
            hours(report.cycleTime.targetSeconds),
            hours(report.cycleTime.baselineSeconds),
          ),
        ]
      : []),
  ];
}
