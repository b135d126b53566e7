import { sql, type SQL } from 'drizzle-orm';
import { isoText } from '../../db/bulk.ts';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import { DomainError, InvalidInputError, NotFoundError } from '../domain/errors.ts';
import { importTexts, statusZh } from '../domain/texts/imports.ts';
import { isUuid } from '../domain/stocktake.ts';
import { localDay } from '../domain/time.ts';
import { resolveDocument } from './documents.ts';
import { getStocktake } from './stocktakes.ts';

export type ExportFormat = 'csv' | 'xlsx' | 'json';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'xlsx', 'json'];

const COLUMNS = [
  'document_no',
  'type',
  'posting_date',
  'posted_at',
  'warehouse',
  'stocktake',
  'sku',
  'location',
  'lot',
  'expiry',
  'qty_delta',
  'unit_cost',
  'value',
  'currency',
  'cause_code',
  'cause_label_en',
  'cause_label_zh',
  'note',
  'approvers',
  'photos',
  'account',
  'cost_centre',
] as const;

export type ExportColumn = (typeof COLUMNS)[number];

/**
 * The CSV/XLSX layout for the ERP, in order; one row per posted document line (ledger entry).
 * lot is the line's lot (批次), empty for an item that is not lot-tracked, and expiry its expiry date
 * (YYYY-MM-DD) when known; type is gain or loss; posting_date is the posting day in the warehouse's timezone (YYYY-MM-DD) and
 * posted_at the posting instant in UTC (ISO 8601); qty_delta and value are signed (negative for a loss),
 * value in `currency` with 2 decimals; approvers lists the approved steps in order as
 * `role:person@ISO-time`, separated by "; "; photos lists the SHA-256 of each photo attached to the line
 * as evidence (GET /api/v1/photos/{sha256}), separated by spaces; account and cost_centre are the
 * accounting account and cost centre of the line's cause in its warehouse when it was submitted (empty
 * when unmapped).
 */
export const EXPORT_COLUMNS: readonly ExportColumn[] = COLUMNS;

export interface ExportResult {
  fileName: string;
  contentType: string;
  body: Buffer | string;
  /** Data rows: posted document lines. */
  rows: number;
}

interface Approver {
  step: number;
  role: string;
  person: string;
  at: string;
}

interface PostedLine {
  lineNo: number;
  sku: string;
  location: string;
  lot: string;
  expiry: string | null;
  qtyDelta: string;
  unitCost: string;
  value: string;
  causeCode: string;
  causeLabelEn: string | null;
  causeLabelZh: string | null;
  note: string | null;
  /** SHA-256 of each photo attached to the line, oldest first. */
  photos: string[];
  account: string | null;
  costCentre: string | null;
}

interface PostedDocument {
  number: string;
  type: 'gain' | 'loss';
  postingDate: string;
  postedAt: string;
  warehouse: string;
  stocktake: string;
  currency: string;
  totalQty: string;
  totalValue: string;
  approvers: Approver[];
  lines: PostedLine[];
}

/** What a reference names: every posted document of a stocktake, or one document. */
type Scope =
  | { kind: 'stocktake'; id: string; code: string; status: string }
  | { kind: 'document'; id: string; number: string; status: string };

/**
 * Posted documents of a stocktake (ref = stocktake id or code) or one document (ref = number like
 * PK-2026-0001, WAREHOUSE/PK-2026-0001, or id), as CSV, XLSX or JSON for the ERP/finance system.
 * Refuses a reference with nothing posted yet, saying what it is instead.
 *
 * @example const { fileName, body } = await exportPosted(db, 'ST-20261125-001', 'csv'); // ST-20261125-001-posted.csv
 */
export async function exportPosted(db: DbOrTx, ref: string, format: ExportFormat): Promise<ExportResult> {
  if (!EXPORT_FORMATS.includes(format)) throw new InvalidInputError(importTexts.exportFormat(String(format), EXPORT_FORMATS.join(', ')));
  const scope = await resolveScope(db, ref);
  const documents = await postedDocuments(db, scope);
  if (documents.length === 0) throw await nothingPosted(db, scope);
  const base = scope.kind === 'stocktake' ? `${scope.code}-posted` : scope.number;
  const rows = documents.reduce((n, d) => n + d.lines.length, 0);
  if (format === 'json') {
    return {
      fileName: `${base}.json`,
      contentType: 'application/json; charset=utf-8',
      body: `${JSON.stringify({ documents }, null, 2)}\n`,
      rows,
    };
  }
  const table = documents.flatMap(tableRows);
  if (format === 'csv') {
    return { fileName: `${base}.csv`, contentType: 'text/csv; charset=utf-8', body: toCsv(table), rows };
  }
  return {
    fileName: `${base}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    body: await toXlsx(table),
    rows,
  };
}

async function resolveScope(db: DbOrTx, ref: string): Promise<Scope> {
  const text = ref.trim();
  if (!text) throw new InvalidInputError(importTexts.exportWhat());
  if (/^ST-/i.test(text) || isUuid(text)) {
    try {
      const st = await getStocktake(db, text);
      return { kind: 'stocktake', id: st.id, code: st.code, status: st.status };
    } catch (error) {
      // A uuid may be a document's id as well; a code that looks like a stocktake's is not a document.
      if (!(error instanceof NotFoundError) || !isUuid(text)) throw error;
    }
  }
  try {
    const doc = await resolveDocument(db, text);
    return { kind: 'document', id: doc.id, number: doc.number, status: doc.status };
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new NotFoundError('stocktake or document', text, importTexts.exportNotFound(text), { cause: error });
    }
    throw error;
  }
}

function scopeFilter(scope: Scope): SQL {
  return scope.kind === 'stocktake' ? sql`d.stocktake_id = ${scope.id}::uuid` : sql`d.id = ${scope.id}::uuid`;
}

/**
 * Reads from the ledger (what was posted), with each line's cause and note from its document line.
 * Only posted documents are selected by both queries, and a posted document, its ledger entries and its
 * approved steps never change again, so the two reads agree without holding a transaction open.
 */
async function postedDocuments(db: DbOrTx, scope: Scope): Promise<PostedDocument[]> {
  const lines = await queryRows<{
    document_id: string;
    number: string;
    kind: 'gain' | 'loss';
    currency: string;
    total_qty: string;
    total_value: string;
    warehouse: string;
    timezone: string;
    stocktake: string;
    line_no: number;
    sku: string;
    location: string;
    lot: string;
    expiry: string | null;
    qty: string;
    unit_cost: string;
    value: string;
    posted_at: string;
    cause_code: string;
    label_en: string | null;
    label_zh: string | null;
    note: string | null;
    photos: string[] | null;
    account: string | null;
    cost_centre: string | null;
  }>(
    db,
    sql`select d.id as document_id, d.number, d.kind, d.currency, trim_scale(d.total_qty)::text as total_qty, d.total_value::text as total_value,
          w.code as warehouse, w.timezone, s.code as stocktake,
          le.line_no, le.sku, le.location, le.lot, sl.expiry::text as expiry, trim_scale(le.qty)::text as qty, trim_scale(le.unit_cost)::text as unit_cost, le.value::text as value,
          ${isoText(sql`le.posted_at`)} as posted_at, dl.cause_code, c.label_en, c.label_zh, dl.note, dl.account, dl.cost_centre,
          (select json_agg(e.photo_sha256 order by e.added_at, e.id) from evidence_photo e
            where e.stocktake_id = d.stocktake_id and e.sku = le.sku and e.location = le.location and e.lot = le.lot) as photos
        from ledger_entry le
        join adjustment_document d on d.id = le.document_id
        join document_line dl on dl.document_id = le.document_id and dl.line_no = le.line_no
        join stocktake s on s.id = d.stocktake_id
        join warehouse w on w.id = d.warehouse_id
        left join stocktake_line sl on sl.stocktake_id = d.stocktake_id and sl.sku = le.sku and sl.location = le.location and sl.lot = le.lot
        left join cause c on c.code = dl.cause_code
        where d.status = 'posted' and ${scopeFilter(scope)}
        order by le.posted_at, d.number, le.line_no`,
  );
  const steps = await queryRows<{ document_id: string; step_no: number; role: string; handle: string | null; decided_at: string | null }>(
    db,
    sql`select a.document_id, a.step_no, a.role, p.handle, ${isoText(sql`a.decided_at`)} as decided_at
        from approval_step a
        join adjustment_document d on d.id = a.document_id
        left join person p on p.id = a.decided_by
        where a.status = 'approved' and d.status = 'posted' and ${scopeFilter(scope)}
        order by a.document_id, a.step_no`,
  );
  const approvers = new Map<string, Approver[]>();
  for (const s of steps) {
    const list = approvers.get(s.document_id) ?? [];
    list.push({ step: Number(s.step_no), role: s.role, person: s.handle ?? '', at: s.decided_at ?? '' });
    approvers.set(s.document_id, list);
  }
  const documents = new Map<string, PostedDocument>();
  for (const l of lines) {
    let doc = documents.get(l.document_id);
    if (!doc) {
      doc = {
        number: l.number,
        type: l.kind,
        postingDate: localDay(new Date(l.posted_at), l.timezone),
        postedAt: l.posted_at,
        warehouse: l.warehouse,
        stocktake: l.stocktake,
        currency: l.currency,
        totalQty: l.total_qty,
        totalValue: l.total_value,
        approvers: approvers.get(l.document_id) ?? [],
        lines: [],
      };
      documents.set(l.document_id, doc);
    }
    doc.lines.push({
      lineNo: Number(l.line_no),
      sku: l.sku,
      location: l.location,
      lot: l.lot,
      expiry: l.expiry,
      qtyDelta: l.qty,
      unitCost: l.unit_cost,
      value: l.value,
      causeCode: l.cause_code,
      causeLabelEn: l.label_en,
      causeLabelZh: l.label_zh,
      note: l.note,
      photos: l.photos ?? [],
      account: l.account,
      costCentre: l.cost_centre,
    });
  }
  return [...documents.values()];
}

/** The refusal for a reference with nothing posted, naming what its documents are instead. */
async function nothingPosted(db: DbOrTx, scope: Scope): Promise<DomainError> {
  if (scope.kind === 'document')
    return new InvalidInputError(importTexts.documentNotPosted(scope.number, scope.status, statusZh(scope.status)));
  const docs = await queryRows<{ number: string; status: string }>(
    db,
    sql`select number, status from adjustment_document where stocktake_id = ${scope.id}::uuid order by submitted_at, number`,
  );
  if (docs.length === 0)
    return new InvalidInputError(importTexts.nothingPostedNoDocuments(scope.code, scope.status, statusZh(scope.status)));
  return new InvalidInputError(
    importTexts.nothingPosted(
      scope.code,
      docs.map((d) => `${d.number} is ${d.status}`).join(', '),
      docs.map((d) => `${d.number} ${statusZh(d.status)}`).join('、'),
    ),
  );
}

function tableRows(doc: PostedDocument): Record<ExportColumn, string>[] {
  const approvers = doc.approvers.map((a) => `${a.role}:${a.person}@${a.at}`).join('; ');
  return doc.lines.map((l) => ({
    document_no: doc.number,
    type: doc.type,
    posting_date: doc.postingDate,
    posted_at: doc.postedAt,
    warehouse: doc.warehouse,
    stocktake: doc.stocktake,
    sku: l.sku,
    location: l.location,
    lot: l.lot,
    expiry: l.expiry ?? '',
    qty_delta: l.qtyDelta,
    unit_cost: l.unitCost,
    value: l.value,
    currency: doc.currency,
    cause_code: l.causeCode,
    cause_label_en: l.causeLabelEn ?? '',
    cause_label_zh: l.causeLabelZh ?? '',
    note: l.note ?? '',
    approvers,
    photos: l.photos.join(' '),
    account: l.account ?? '',
    cost_centre: l.costCentre ?? '',
  }));
}

/** RFC 4180: a field holding a comma, quote, CR or LF is quoted, its quotes doubled. */
const csvField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** UTF-8 with a BOM (without one Excel reads the file in the local ANSI code page and garbles 报损), CRLF. */
function toCsv(rows: Record<ExportColumn, string>[]): Buffer {
  const lines = [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => csvField(r[c])).join(','))];
  return Buffer.from(`\ufeff${lines.map((l) => `${l}\r\n`).join('')}`, 'utf8');
}

const NUMERIC: Partial<Record<ExportColumn, string | undefined>> = { qty_delta: 'General', unit_cost: 'General', value: '0.00' };

/**
 * Quantities, unit costs and values are number cells when that is exact, and text cells otherwise. An
 * XLSX number is written as decimal text (`<v>2.5</v>`) and read by Excel into a double shown with 15
 * significant digits, so a decimal of at most 15 significant digits whose shortest double text is itself
 * comes back unchanged, and finance can sum the column. Anything longer stays text, digit for digit.
 */
function exactNumber(text: string): number | null {
  const canonical = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  const significant = canonical.replace(/^-/, '').replace('.', '').replace(/^0+/, '');
  if (significant.length > 15) return null;
  const n = Number(canonical);
  return Number.isFinite(n) && String(n) === canonical ? n : null;
}

async function toXlsx(rows: Record<ExportColumn, string>[]): Promise<Buffer> {
  // Loaded on first use: ExcelJS takes ~0.4 s to load, which every CLI command would otherwise pay.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('export', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({ key: c, width: Math.max(c.length + 2, c === 'approvers' ? 60 : c === 'posted_at' ? 26 : 12) }));
  const header = sheet.addRow([...COLUMNS]);
  header.font = { bold: true };
  for (const r of rows) {
    const row = sheet.addRow(COLUMNS.map((c) => (NUMERIC[c] !== undefined ? (exactNumber(r[c]) ?? r[c]) : r[c])));
    COLUMNS.forEach((c, i) => {
      const format = NUMERIC[c];
      const cell = row.getCell(i + 1);
      if (format !== undefined && typeof cell.value === 'number') cell.numFmt = format;
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
