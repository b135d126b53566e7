/**
 * What the digest jobs send, as the jobs see it: a report for one warehouse in one chat's language — the
 * card (charts inside as image elements), the same content as terminal text, and the chart PNGs. The
 * content itself (src/services/digest, cards/templates/digest.ts, src/charts) sits behind this one
 * function, so the jobs, the scheduler and `stocktake report` are tested with any source.
 */
import type { Db } from '../../db/client.ts';
import type { Locale } from '../../cards/i18n/index.ts';
import type { Card } from '../../cards/model.ts';

/** daily digest, weekly report, monthly stock structure report. */
export type ReportKind = 'daily' | 'weekly' | 'monthly';

export interface ReportChart {
  /** A file name without extension: cause-distribution, daily-progress, weekly-trend, stock-structure. */
  name: string;
  png: Buffer;
  width: number;
  height: number;
  alt: string;
}

export interface Report {
  /** Nothing worth a message (no stocktake in progress, nothing happened in the week): the slot is done unsent. */
  empty: boolean;
  card: Card;
  /** The report for a terminal (`stocktake report --dry-run`). */
  text: string;
  charts: ReportChart[];
}

export interface ReportRequest {
  kind: ReportKind;
  /** Warehouse code. */
  warehouse: string;
  /** The report is as of this moment (the digest's "today", the weekly report's week). */
  now: Date;
  locale: Locale;
  /** The daily digest's "since yesterday" starts here: the chat's previous digest. Default: 24 hours before `now`. */
  since?: Date;
  /** The chat is also a team chat: blind counts (盲盘) still counting are left out of the daily digest. */
  withoutBlindCounting?: boolean;
}

export type ReportSource = (db: Db, request: ReportRequest) => Promise<Report>;
