/**
 * What the daily digest and the weekly report contain, as plain data: decimal strings for quantities and
 * money, ISO 8601 UTC for instants, "YYYY-MM-DD" for the warehouse's calendar days, whole seconds for
 * durations, handles and names for people. The card templates (cards/templates/digest.ts) and the
 * terminal renderings take exactly these shapes; the only import is the chart input a day of progress already is.
 */
import type { ProgressDay } from '../../charts/digestCharts.ts';

export interface DigestPerson {
  handle: string;
  name: string;
}

export interface DigestWarehouse {
  id: string;
  code: string;
  name: string;
  /** IANA timezone: it decides the days and weeks, and how times are shown. */
  timezone: string;
  currency: string;
}

/** Review states a variance can be in once review has opened. */
export type DigestReviewState = 'open' | 'recount' | 'confirmed' | 'documented' | 'posted';
export const DIGEST_REVIEW_STATES: readonly DigestReviewState[] = ['open', 'recount', 'confirmed', 'documented', 'posted'];

/**
 * A section added by another part of the product (patterns and performance, src/services/patterns): a
 * title and lines in both languages, shown after the digest's own content.
 */
export interface DigestSection {
  title: { en: string; zh: string };
  lines: { en: string; zh: string }[];
}

export interface DailyDigest {
  kind: 'daily';
  /** Early warnings (差异预警) and other added sections. */
  sections?: DigestSection[];
  warehouse: DigestWarehouse;
  /** The moment the digest describes. */
  generatedAt: string;
  /** generatedAt on the warehouse's wall clock, "2026-11-25 09:00". */
  localTime: string;
  /** The warehouse's calendar day of generatedAt. */
  day: string;
  /** What "since yesterday" covers: events after `from` up to and including `to`. */
  window: { from: string; to: string };
  /** Open stocktakes, then those posted within the window, newest first. */
  stocktakes: StocktakeDigest[];
  /**
   * The audit chain's latest checkpoint, published in every digest so that the chat keeps a copy of the
   * head outside the database (`audit verify --head <seq>:<hash>`); null before the first checkpoint.
   */
  auditHead?: { seq: string; hash: string } | null;
}

export interface StocktakeDigest {
  id: string;
  code: string;
  status: 'counting' | 'reviewing' | 'approving' | 'posted';
  snapshotAt: string;
  countingClosedAt: string | null;
  /** When the last document was posted (posted stocktakes only). */
  postedAt: string | null;
  lines: { total: number; counted: number; verified: number; conflict: number; uncounted: number; notInBook: number };
  /** Live variances (cut-off applied), all lines with a count. */
  variances: { gain: number; loss: number; match: number; gainValue: string; lossValue: string; netValue: string };
  /** Variances per review state: how many and their net value. */
  review: Record<DigestReviewState, { lines: number; value: string }>;
  /** Variances not yet on a document (all counted variances while counting is open). */
  openVariances: number;
  /** The 10 largest of them by absolute value. */
  largestOpen: OpenVariance[];
  overdue: {
    /** The 10 latest variances past due, most late first; `variancesTotal` counts all. */
    variances: OverdueVariance[];
    variancesTotal: number;
    steps: OverdueStep[];
  };
  /** Documents waiting for a decision, per role that may decide them. */
  approvalQueue: ApprovalQueueEntry[];
  documents: DigestDocument[];
  /** Tagged causes of the stocktake's variances (the cause distribution chart). */
  causes: CauseShare[];
  changes: DigestChanges;
  /** Per local day, up to the last 14 days of the stocktake (the daily progress chart). */
  progress: DayProgress[];
}

export interface OpenVariance {
  sku: string;
  location: string;
  itemName: string | null;
  diffQty: string;
  diffValue: string;
  /** 'none' while counting is still open. */
  reviewStatus: 'none' | 'open' | 'recount' | 'confirmed';
  owner: DigestPerson | null;
  dueAt: string | null;
  overdue: boolean;
  causeCode: string | null;
  suggestedCause: string | null;
}

/**
 * A variance still waiting after its due time: open (its owner is late) or sent to recount (the recounter
 * is). The reminders use the same rule.
 */
export interface OverdueVariance {
  sku: string;
  location: string;
  diffValue: string;
  reviewStatus: 'open' | 'recount';
  owner: DigestPerson | null;
  recountBy: DigestPerson | null;
  dueAt: string;
  lateSeconds: number;
}

export interface OverdueStep {
  documentId: string;
  number: string;
  kind: 'gain' | 'loss';
  totalValue: string;
  stepNo: number;
  role: string;
  /** Everyone holding the step's role in the warehouse: any of them may decide. */
  holders: DigestPerson[];
  dueAt: string;
  lateSeconds: number;
}

export interface ApprovalQueueEntry {
  role: string;
  holders: DigestPerson[];
  /** Longest waiting first. */
  documents: QueuedDocument[];
}

export interface QueuedDocument {
  documentId: string;
  number: string;
  kind: 'gain' | 'loss';
  totalValue: string;
  lineCount: number;
  stepNo: number;
  stepCount: number;
  /** When the step became pending: the submit for step 1, the previous step's decision after. */
  waitingSince: string;
  waitingSeconds: number;
  dueAt: string | null;
  overdue: boolean;
}

export interface DigestDocument {
  id: string;
  number: string;
  kind: 'gain' | 'loss';
  status: 'approving' | 'posted' | 'rejected' | 'withdrawn';
  lineCount: number;
  totalValue: string;
  submittedAt: string;
  decidedAt: string | null;
}

export interface CauseShare {
  code: string;
  labelEn: string;
  labelZh: string;
  lines: number;
  /** Sum of the gains (≥ 0) and of the losses (≤ 0) explained by the cause. */
  gainValue: string;
  lossValue: string;
}

/** A document event of the window, from the audit trail. */
export interface DocumentEvent {
  number: string;
  kind: 'gain' | 'loss';
  totalValue: string;
  at: string;
  by: DigestPerson | null;
  /** Approvals and rejections: the step decided. */
  stepNo: number | null;
  role: string | null;
  /** Rejections: the reason given. */
  reason: string | null;
}

/** What happened in the window, from the audit trail (every change appends to it). */
export interface DigestChanges {
  from: string;
  to: string;
  /** Count sheets imported (recounts included) and the lines they covered. */
  imports: number;
  linesCounted: number;
  confirmed: number;
  tagged: number;
  notes: number;
  recountsRequested: number;
  /** Recounted lines that came back to review. */
  recounted: number;
  reassigned: number;
  /** Lines sent back to review by a rejection. */
  returned: number;
  started: string | null;
  countingClosed: string | null;
  submitted: DocumentEvent[];
  approved: DocumentEvent[];
  rejected: DocumentEvent[];
  posted: DocumentEvent[];
}

/**
 * Where the stocktake stood at the end of a local day (today: as of the digest), rebuilt from the times
 * lines carry now: a line counts as counted/verified/conflict from its latest count on, a variance as
 * confirmed from its confirmation, documented from its document's submit, posted from the posting. A
 * line that went back (a recount, a rejection) shows where it is now, not where it was then.
 */
export type DayProgress = ProgressDay;

export interface DurationStats {
  count: number;
  /** Interpolated like Postgres percentile_cont; null when count is 0. */
  medianSeconds: number | null;
  p90Seconds: number | null;
}

/** An ISO week of the warehouse's calendar: Monday 00:00 to the next Monday 00:00, local time. */
export interface WeekRange {
  /** ISO 8601 week, "2026-W48". */
  label: string;
  /** Local Monday, and the next Monday (exclusive). */
  start: string;
  end: string;
  /** The same as instants: [from, to). */
  from: string;
  to: string;
}

export interface WeekKpis {
  week: WeekRange;
  stocktakesPosted: number;
  /** From counting closed to posted, over stocktakes posted in the week. */
  cycleTime: DurationStats;
  /** Over the lines of stocktakes posted in the week. */
  accuracy: {
    lines: number;
    matched: number;
    /** matched / lines × 100, one decimal; null without lines. */
    matchedPercent: string | null;
    /** Σ counted qty × unit cost. */
    countedValue: string;
    /** Σ |posted variance value|. */
    varianceValue: string;
    /** varianceValue / countedValue × 100, two decimals; null when nothing was counted. */
    varianceValuePercent: string | null;
  };
  /** Documents posted in the week and their values. */
  documentsPosted: number;
  gainValue: string;
  lossValue: string;
  /** From a step becoming pending to its decision, over steps decided in the week. */
  approvalLatency: DurationStats;
  /** Sum of every person's `total`. */
  itemsHandled: number;
}

export interface StepLatency extends DurationStats {
  stepNo: number;
  role: string;
  approved: number;
  rejected: number;
}

export interface PersonActivity {
  person: DigestPerson;
  sheets: number;
  linesCounted: number;
  confirmations: number;
  tags: number;
  recountRequests: number;
  submissions: number;
  approvals: number;
  rejections: number;
  /** linesCounted + confirmations + tags + recountRequests + approvals + rejections. */
  total: number;
}

export interface PostedStocktake {
  code: string;
  countingClosedAt: string | null;
  postedAt: string;
  cycleSeconds: number | null;
  lines: number;
  matched: number;
  varianceValue: string;
}

export interface WeeklyReport {
  kind: 'weekly';
  /** Patterns (复盘) and performance (绩效) and other added sections. */
  sections?: DigestSection[];
  warehouse: DigestWarehouse;
  generatedAt: string;
  localTime: string;
  /** The week just ended (the last one before the week of generatedAt). */
  week: WeekRange;
  /** The week's KPIs (the same object as the last entry of `trend`). */
  kpis: WeekKpis;
  stocktakes: PostedStocktake[];
  /** Lines posted in the week, per cause, most lines first. */
  causes: CauseShare[];
  /** Posted lines whose cause was tagged against a suggestion: kept it, or chose another. */
  suggestions: { withSuggestion: number; kept: number; changed: number; keptPercent: string | null };
  approvalLatency: StepLatency[];
  /** Most items handled first. */
  people: PersonActivity[];
  /** The last weeks, oldest first, ending with `week`. */
  trend: WeekKpis[];
}
