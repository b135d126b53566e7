/**
 * The data each template shows, as plain values (decimal strings, ISO times, handles). The core loads
 * them from the services; cards/ never touches the database.
 */
import type { DocumentStatus } from '../../src/domain/stocktake.ts';

export type ReviewState = 'none' | 'open' | 'recount' | 'confirmed' | 'documented' | 'posted';

export interface CauseOption {
  code: string;
  labelEn: string;
  labelZh: string;
  appliesTo: 'gain' | 'loss' | 'both';
  /** Tagging it needs a note saying what was checked. */
  noteRequired?: boolean;
}

export interface VarianceView {
  stocktakeId: string;
  stocktakeCode: string;
  stocktakeStatus: string;
  sku: string;
  location: string;
  /** The lot (批次) of a lot-tracked item; '' or absent otherwise. */
  lot?: string;
  /** The lot's expiry date (YYYY-MM-DD), when known. */
  expiry?: string | null;
  itemName: string | null;
  unit: string | null;
  bookQty: string;
  movementQty: string;
  expectedQty: string;
  countedQty: string | null;
  diffQty: string | null;
  diffValue: string | null;
  currency: string;
  reviewStatus: ReviewState;
  owner: string | null;
  dueAt: string | null;
  overdue: boolean;
  causeCode: string | null;
  note: string | null;
  suggestion: { cause: string; reason: { en: string; zh: string } } | null;
  autoConfirmed: boolean;
  recountBy: string | null;
  returnedReason: string | null;
  /** Photos attached to the line as evidence (拍照留档). */
  photos?: number;
  /** Causes that fit the variance's direction, in catalogue order. */
  causes: CauseOption[];
}

export interface VariancePageView {
  stocktakeId: string;
  stocktakeCode: string;
  currency: string;
  page: number;
  pages: number;
  /** Lines waiting for review in all (open or sent to recount). */
  waiting: number;
  lines: VarianceView[];
}

export interface ImportSummaryView {
  fileName: string;
  stocktakeCode: string;
  counter: string;
  round: number;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  linesCounted: number;
  linesVerified: number;
  linesInConflict: number;
  linesNotInBook: number;
  linesSuperseded: number;
  /** Lines in conflict that this sheet, a later round, settled. */
  linesResolved: number;
  uncounted: number;
  /** The workbook sheet read (XLSX); null for CSV. */
  sheet: string | null;
  /** Columns of the file that were not read, worded in the chat's language ("did you mean …?"). */
  ignoredColumns: string[];
  /** Left out (null) while a blind count is counting: the team chat sees no book figures. */
  variances: { gains: number; losses: number; gainValue: string; lossValue: string; netValue: string } | null;
  currency: string;
  problems: { line: number; column?: string; message: string }[];
}

export interface RouteStepView {
  stepNo: number;
  role: string;
  status: string;
  decidedBy: string | null;
  decidedAt: string | null;
  dueAt: string | null;
  reason: string | null;
}

export interface DocumentView {
  id: string;
  number: string;
  kind: 'gain' | 'loss';
  stocktakeCode: string;
  warehouse: string;
  status: DocumentStatus;
  lineCount: number;
  totalQty: string;
  totalValue: string;
  currency: string;
  route: RouteStepView[];
  /**
   * The lines the card shows, in line-number order: the ten of largest absolute value, and lines with a
   * note or photos, up to twenty in all (documentView picks them). Each with its note and photo count.
   */
  lines: {
    lineNo: number;
    sku: string;
    location: string;
    lot?: string;
    qty: string;
    value: string;
    causeEn: string;
    causeZh: string;
    note?: string | null;
    /** Photos attached to the line (evidence); 0 or absent for none. */
    photos?: number;
  }[];
  /** Lines with photo evidence, in line-number order. */
  photos?: { lineNo: number; sku: string; location: string; photos: number }[];
  /** ERP connectors of the warehouse a posted document goes to: its decision card offers a retry of the sync. */
  erpTargets?: number;
  /** A withdrawn document: who took it back, and why. */
  withdrawnBy?: string | null;
  withdrawnReason?: string | null;
}

export interface StatusView {
  stocktakeId: string;
  code: string;
  warehouse: string;
  status: string;
  snapshotAt: string;
  countingClosedAt: string | null;
  imports: number;
  lines: { total: number; counted: number; verified: number; conflict: number; uncounted: number; notInBook: number };
  /** A blind count (盲盘); shown on the card. */
  blind?: boolean;
  /** Left out (null) while a blind count is counting: the team chat sees no book figures. */
  variances: { gain: number; loss: number; gainValue: string; lossValue: string; netValue: string } | null;
  review: { open: number; recount: number; confirmed: number; documented: number; posted: number; overdue: number };
  currency: string;
  documents: { number: string; kind: 'gain' | 'loss'; status: string; totalValue: string }[];
  /** A partial stocktake's scope in words (issue 16 §2). */
  scope?: { en: string; zh: string };
  /** A spot check's estimated accuracy in words, once counting has closed. */
  spotCheck?: { en: string; zh: string };
}
