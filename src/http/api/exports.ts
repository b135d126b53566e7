/** Downloads of what was posted, for the ERP: CSV (UTF-8 with BOM), XLSX or JSON, as attachments. */
import { z } from 'zod';
import { EXPORT_FORMATS, exportPosted, type ExportFormat } from '../../services/export.ts';
import { getDocument } from '../../services/documents.ts';
import { getStocktake } from '../../services/stocktakes.ts';
import type { AppContext } from '../app.ts';
import { requireReader } from './access.ts';
import { DOCUMENT_PARAM } from './documents.ts';
import { defineRoute, type ApiRoute, type ResponseDoc } from './route.ts';
import { STOCKTAKE_PARAM } from './stocktakes.ts';

const formatQuery = z
  .object({
    format: z
      .enum(EXPORT_FORMATS as [ExportFormat, ...ExportFormat[]])
      .default('csv')
      .describe('csv (UTF-8 with BOM, CRLF), xlsx or json'),
  })
  .strict();

const binary = { schema: { type: 'string', format: 'binary' } };
const download: ResponseDoc = {
  description: 'the file, as an attachment (content-disposition names it); see "Export layout" in the README for its columns',
  content: { 'text/csv': binary, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': binary, 'application/json': binary },
};

async function send(c: AppContext, ref: string, format: ExportFormat): Promise<Response> {
  const file = await exportPosted(c.get('deps').db, ref, format);
  const body = typeof file.body === 'string' ? file.body : new Uint8Array(file.body);
  return c.body(body, 200, {
    'content-type': file.contentType,
    'content-disposition': `attachment; filename="${file.fileName.replace(/["\\\r\n]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    'cache-control': 'no-store',
  });
}

export const exportRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/stocktakes/{stocktake}/export',
    operationId: 'exportStocktake',
    summary: 'Download the posted documents of a stocktake',
    tags: ['exports'],
    params: STOCKTAKE_PARAM,
    query: formatQuery,
    status: 200,
    response: download,
    errors: [403, 404],
    async handle(c, { actor, params, query }) {
      const db = c.get('deps').db;
      const st = await getStocktake(db, params.stocktake!);
      await requireReader(db, actor, st.warehouseCode, `stocktake ${st.code}`);
      return send(c, st.id, query.format);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/documents/{document}/export',
    operationId: 'exportDocument',
    summary: 'Download one posted document',
    tags: ['exports'],
    params: DOCUMENT_PARAM,
    query: formatQuery,
    status: 200,
    response: download,
    errors: [403, 404],
    async handle(c, { actor, params, query }) {
      const db = c.get('deps').db;
      const doc = await getDocument(db, params.document!, actor);
      await requireReader(db, actor, doc.warehouse, `document ${doc.number}`);
      return send(c, doc.id, query.format);
    },
  }),
];
