/**
 * 用友 U8 盘点单 by file: U8 is usually reached through its import tool or a middleware that watches a
 * directory, so "sending" writes the document in the CheckVouch (header) / CheckVouchs (lines) import
 * layout to the configured directory, one row per line with the header fields repeated, as XLSX (default)
 * or CSV (UTF-8 with BOM). The file is written under a temporary name and renamed, so a watcher never
 * reads half a file; sending again rewrites the same file. The external ref is the voucher code (cCVCode,
 * our document number after `voucherPrefix`) and the file's name (warehouse_number).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DocumentPayload } from '../payload.ts';
import { mapLocation, mapSku, type U8Config } from './config.ts';
import { ErpError } from './errors.ts';
import { subtractDecimal } from './numbers.ts';
import type { Env } from './secrets.ts';

/** The import layout's columns, in order: CheckVouch header fields, then CheckVouchs line fields. */
export const U8_COLUMNS = [
  'cCVCode',
  'dCVDate',
  'cWhCode',
  'cCVType',
  'cCVMemo',
  'irowno',
  'cInvCode',
  'cPosition',
  'cCVBatch',
  'dDisDate',
  'iCVQuantity',
  'iCVCQuantity',
  'cCVReason',
] as const;

export type U8Column = (typeof U8_COLUMNS)[number];

/** The rows of a document in the import layout (decimal strings as written). */
export function u8Rows(doc: DocumentPayload, config: U8Config): Record<U8Column, string>[] {
  return doc.lines.map((l) => ({
    cCVCode: `${config.voucherPrefix}${doc.number}`,
    dCVDate: doc.postingDate ?? '',
    cWhCode: config.warehouse ?? doc.warehouse,
    // 盘盈 / 盘亏: U8 derives the direction from the quantities; the type tells a reader.
    cCVType: doc.type === 'gain' ? '盘盈' : '盘亏',
    cCVMemo: `${doc.warehouse} ${doc.stocktake} ${doc.number}`,
    irowno: String(l.lineNo),
    cInvCode: mapSku(config, l.sku),
    cPosition: l.location ? mapLocation(config, l.location) : '',
    cCVBatch: l.lot,
    dDisDate: l.expiry ?? '',
    // 账面数量 and 盘点数量: the book is what the count differed from.
    iCVQuantity: subtractDecimal(l.countedQty, l.qtyDelta),
    iCVCQuantity: l.countedQty,
    cCVReason: [l.causeLabel.zh, l.note].filter(Boolean).join('；'),
  }));
}

const csvField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

function toCsv(rows: Record<U8Column, string>[]): Buffer {
  const lines = [U8_COLUMNS.join(','), ...rows.map((r) => U8_COLUMNS.map((c) => csvField(r[c])).join(','))];
  return Buffer.from(`\ufeff${lines.map((l) => `${l}\r\n`).join('')}`, 'utf8');
}

async function toXlsx(rows: Record<U8Column, string>[]): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('CheckVouchs');
  sheet.addRow([...U8_COLUMNS]).font = { bold: true };
  // Every cell is text, so codes keep their leading zeros and quantities their digits.
  for (const r of rows) sheet.addRow(U8_COLUMNS.map((c) => r[c]));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The file name a document is written to. */
export const u8FileName = (doc: DocumentPayload, config: U8Config) =>
  `${doc.warehouse}_${doc.number}`.replace(/[^\w.-]/g, '_') + `.${config.format}`;

export async function send(doc: DocumentPayload, config: U8Config, _env: Env): Promise<{ externalRef: string }> {
  const rows = u8Rows(doc, config);
  const body = config.format === 'csv' ? toCsv(rows) : await toXlsx(rows);
  const name = u8FileName(doc, config);
  const dir = resolve(config.directory);
  try {
    await mkdir(dir, { recursive: true });
    const temporary = join(dir, `.${name}.${process.pid}.tmp`);
    await writeFile(temporary, body);
    await rename(temporary, join(dir, name));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    // A full disk or a share that is away may come back; a directory we may not write to needs someone.
    throw new ErpError('u8', `could not write ${name} to ${dir} (${code})`, {
      retryable: code !== 'EACCES' && code !== 'EPERM',
      cause: error,
    });
  }
  return { externalRef: `${config.voucherPrefix}${doc.number} (${name})` };
}

/** Checks that the directory exists (or can be made) and takes a file. */
export async function test(config: U8Config, _env: Env): Promise<string> {
  const dir = resolve(config.directory);
  try {
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `.stocktake-probe-${process.pid}`);
    await writeFile(probe, '');
    const { rm } = await import('node:fs/promises');
    await rm(probe);
  } catch (error) {
    throw new ErpError('u8', `cannot write to ${dir} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      retryable: false,
      cause: error,
    });
  }
  return `files go to ${dir}`;
}
