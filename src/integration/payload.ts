/**
 * The integration payload, version 1: what webhooks carry and what ERP connectors read. It follows the
 * export layout (src/services/export.ts): decimal strings, signed quantities and values (negative for a
 * loss), the posting day in the warehouse's timezone. Changing a field's meaning needs a new version.
 */

export const PAYLOAD_VERSION = 1;

export type IntegrationEventType = 'document.created' | 'document.posted' | 'document.rejected' | 'document.cancelled' | 'stocktake.closed';

export const INTEGRATION_EVENT_TYPES: readonly IntegrationEventType[] = [
  'document.created',
  'document.posted',
  'document.rejected',
  'document.cancelled',
  'stocktake.closed',
];

/** The body of every event as delivered (Standard Webhooks: type, timestamp, data). */
export interface IntegrationEnvelope<T = DocumentData | StocktakeData> {
  /** The stable event id (also the `webhook-id` header): a receiver deduplicates on it. */
  id: string;
  type: IntegrationEventType;
  version: typeof PAYLOAD_VERSION;
  /** ISO 8601, UTC: when the change committed. */
  timestamp: string;
  warehouse: string;
  data: T;
}

export interface DocumentData {
  document: DocumentPayload;
}

export interface StocktakeData {
  stocktake: { id: string; code: string; status: string; closedAt: string | null };
}

export interface DocumentPayload {
  id: string;
  /** PY-… (gain, 盘盈单) or PK-… (loss, 盘亏单). */
  number: string;
  type: 'gain' | 'loss';
  status: 'approving' | 'posted' | 'rejected' | 'withdrawn';
  warehouse: string;
  /** The stocktake's code. */
  stocktake: string;
  /** YYYY-MM-DD in the warehouse's timezone; null until posted. */
  postingDate: string | null;
  postedAt: string | null;
  currency: string;
  /** Signed decimal strings. */
  totalQty: string;
  totalValue: string;
  submittedBy: string;
  /** The decided steps in order. */
  approvers: { step: number; role: string; person: string; decidedAt: string }[];
  lines: DocumentLinePayload[];
}

export interface DocumentLinePayload {
  lineNo: number;
  sku: string;
  /** The item's name and base unit from the item master. */
  name: string;
  unit: string;
  location: string;
  /** '' for an item that is not lot-tracked. */
  lot: string;
  /** YYYY-MM-DD or null. */
  expiry: string | null;
  /** The frozen book quantity and the counted quantity of the line (decimal strings). */
  bookQty: string;
  countedQty: string;
  /** Signed: positive for a gain, negative for a loss. */
  qtyDelta: string;
  unitCost: string;
  /** Signed, 2 decimals. */
  value: string;
  causeCode: string;
  causeLabel: { en: string; zh: string };
  note: string | null;
  /** The GL account and cost centre of the cause in this warehouse (cause_account), null when unmapped. */
  account: string | null;
  costCentre: string | null;
  /** SHA-256 of each photo attached to the line as evidence. */
  photos: string[];
}
