/**
 * The real report source: the digest content (src/services/digest), its charts rendered to PNG
 * (src/charts) and the cards and terminal text (cards/templates/digest.ts), in one chat's language.
 *
 * Charts: the daily digest shows its first stocktake's daily progress and, once causes are tagged, its
 * cause distribution; the weekly report the trend over its weeks and the week's causes; the monthly stock
 * structure report the shares of consumption and stock value by ABC class, slow movers and dead stock.
 */
import type { Locale } from '../../cards/i18n/index.ts';
import type { TemplateContext } from '../../cards/templates/context.ts';
import { dailyDigestCard, digestText, weeklyReportCard, weeklyText } from '../../cards/templates/digest.ts';
import { chartPng, type ChartInputs, type ChartKind } from '../charts/digestCharts.ts';
import {
  dailyDigest,
  dailyDigestIsEmpty,
  weeklyReport,
  weeklyReportIsEmpty,
  type CauseShare,
  type DailyDigest,
  type WeeklyReport,
} from '../services/digest/index.ts';
import { renderAll, type Phrase } from '../domain/phrase.ts';
import { patternTexts } from '../domain/texts/patterns.ts';
import { detectPatterns, patternPhrases, performanceFigures, performancePhrases, warningPhrases } from '../services/patterns/index.ts';
import type { DigestSection } from '../services/digest/types.ts';
import type { Db } from '../../db/client.ts';
import type { Report, ReportChart, ReportSource } from './reports.ts';
import { structureReportCard, structureText } from '../../cards/templates/structure.ts';
import type { StockStructure } from '../domain/structure.ts';
import { stockStructure } from '../services/structure.ts';

const words = (p: Phrase) => {
  const all = renderAll(p, 'chat');
  return { en: all.en, zh: all['zh-CN'] };
};

/**
 * The weekly report's patterns (复盘) and, unless the chat is also a team chat where counters read along,
 * everyone's performance figures (绩效): digest chats are the managers'.
 */
async function weeklySections(db: Db, warehouse: string, withPeople: boolean): Promise<DigestSection[]> {
  const patterns = await detectPatterns(db, { warehouse });
  const sections: DigestSection[] = [{ title: words(patternTexts.title(warehouse)), lines: patternPhrases(patterns).map(words) }];
  if (withPeople) {
    const figures = await performanceFigures(db, { warehouse, viewer: null });
    sections.push({
      title: words(patternTexts.performanceTitle(warehouse, String(figures.window))),
      lines: performancePhrases(figures).map(words),
    });
  }
  return sections;
}

/** The daily digest's early warnings: trends the newest count pushed over a threshold since the last digest. */
async function dailySections(db: Db, warehouse: string, since: Date): Promise<DigestSection[]> {
  const lines = warningPhrases(await detectPatterns(db, { warehouse }), since).map(words);
  return lines.length ? [{ title: words(patternTexts.warningTitle(warehouse)), lines }] : [];
}

const FILE_NAMES: Record<ChartKind, string> = {
  causeDistribution: 'cause-distribution',
  dailyProgress: 'daily-progress',
  weeklyTrend: 'weekly-trend',
  stockStructure: 'stock-structure',
};

function render<K extends ChartKind>(kind: K, input: ChartInputs[K]): ReportChart {
  const image = chartPng(kind, input);
  return { name: FILE_NAMES[kind], png: image.png, width: image.width, height: image.height, alt: image.alt };
}

function causeRows(causes: readonly CauseShare[], locale: Locale): ChartInputs['causeDistribution']['causes'] {
  return causes.map((c) => ({
    label: locale === 'zh-CN' ? c.labelZh : c.labelEn,
    gainValue: c.gainValue,
    lossValue: c.lossValue,
    count: c.lines,
  }));
}

/** The daily digest's charts: its first stocktake's progress and, when causes are tagged, their values. */
export function dailyCharts(digest: DailyDigest, locale: Locale): ReportChart[] {
  const first = digest.stocktakes[0];
  if (!first) return [];
  const charts = [render('dailyProgress', { locale, days: first.progress })];
  if (first.causes.length > 0)
    charts.push(render('causeDistribution', { locale, currency: digest.warehouse.currency, causes: causeRows(first.causes, locale) }));
  return charts;
}

/** The weekly report's charts: the trend over its weeks and, when the week posted any, its causes. */
export function weeklyCharts(report: WeeklyReport, locale: Locale): ReportChart[] {
  const weeks = report.trend.map((w) => ({
    week: w.week.label,
    cycleTimeMedianHours: w.cycleTime.medianSeconds === null ? null : w.cycleTime.medianSeconds / 3600,
    accuracyPct: w.accuracy.matchedPercent,
    absVarianceValue: w.accuracy.varianceValue,
  }));
  const charts = [render('weeklyTrend', { locale, currency: report.warehouse.currency, weeks })];
  if (report.causes.length > 0)
    charts.push(render('causeDistribution', { locale, currency: report.warehouse.currency, causes: causeRows(report.causes, locale) }));
  return charts;
}

/** Digest cards carry no buttons: nothing to mint. */
const context = (locale: Locale, timezone: string): TemplateContext => ({
  locale,
  timezone,
  act: () => {
    throw new Error('digest cards have no buttons');
  },
});

/** The monthly report's chart: consumption and stock value shares by class, and the slow and dead stock. */
export function structureCharts(s: StockStructure, locale: Locale): ReportChart[] {
  return [
    render('stockStructure', {
      locale,
      classes: s.classes.map((c) => ({ abcClass: c.abcClass, issuePercent: c.issuePercent, stockPercent: c.stockPercent })),
      slowPercent: s.slow.stockPercent,
      deadPercent: s.dead.stockPercent,
    }),
  ];
}

export const digestReports: ReportSource = async (db, request): Promise<Report> => {
  const { locale } = request;
  if (request.kind === 'monthly') {
    const s = await stockStructure(db, { warehouse: request.warehouse, asOf: request.now });
    const empty = s.totals.items === 0;
    const charts = empty ? [] : structureCharts(s, locale);
    return {
      empty,
      card: structureReportCard(context(locale, s.warehouse.timezone), s, charts),
      text: structureText(s, locale),
      charts,
    };
  }
  if (request.kind === 'daily') {
    const digest = await dailyDigest(db, {
      warehouse: request.warehouse,
      now: request.now,
      ...(request.since ? { since: request.since } : {}),
      ...(request.withoutBlindCounting ? { withoutBlindCounting: true } : {}),
    });
    const since = request.since ?? new Date(request.now.getTime() - 24 * 3600_000);
    digest.sections = await dailySections(db, digest.warehouse.code, since);
    const charts = dailyDigestIsEmpty(digest) ? [] : dailyCharts(digest, locale);
    return {
      empty: dailyDigestIsEmpty(digest) && digest.sections.length === 0,
      card: dailyDigestCard(context(locale, digest.warehouse.timezone), digest, charts),
      text: digestText(digest, locale),
      charts,
    };
  }
  const report = await weeklyReport(db, { warehouse: request.warehouse, now: request.now });
  report.sections = await weeklySections(db, report.warehouse.code, !request.withoutBlindCounting);
  const charts = weeklyReportIsEmpty(report) ? [] : weeklyCharts(report, locale);
  return {
    empty: weeklyReportIsEmpty(report),
    card: weeklyReportCard(context(locale, report.warehouse.timezone), report, charts),
    text: weeklyText(report, locale),
    charts,
  };
};
