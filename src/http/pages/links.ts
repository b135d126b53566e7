/**
 * Where the dashboard's download links point: the REST API's export routes (built under /api/v1). Kept in
 * one place so that a change of those routes is a change here.
 */
import type { DocumentSummary } from '../../services/documents.ts';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The posted documents of a stocktake, one row per ledger entry. */
export const stocktakeExportUrl = (code: string, format: ExportFormat): string =>
  `/api/v1/stocktakes/${encodeURIComponent(code)}/export?format=${format}`;

/**
 * One posted document. By id: numbers repeat across warehouses (PK-2026-0001 in WH1 and WH2), ids never do,
 * and the export service accepts either.
 */
export const documentExportUrl = (doc: Pick<DocumentSummary, 'id'>, format: ExportFormat): string =>
  `/api/v1/documents/${encodeURIComponent(doc.id)}/export?format=${format}`;
