/** Undo (撤销): cancel a stocktake, list and void count sheets, withdraw a document. Each needs a reason. */
import { z } from 'zod';
import { listCountImports, voidCountImport } from '../../services/countVoid.ts';
import { getStocktake } from '../../services/stocktakes.ts';
import { cancelStocktake, withdrawDocument } from '../../services/undo.ts';
import { requireReader } from './access.ts';
import { DOCUMENT_PARAM } from './documents.ts';
import { defineRoute, type ApiRoute } from './route.ts';
import { CancelledStocktake, CountImportList, DocumentSummary, VoidedImport } from './schemas.ts';
import { STOCKTAKE_PARAM } from './stocktakes.ts';

/** The reason every undo gives; a blank one is refused by the service with a message in both languages. */
const reasonBody = z
  .object({ reason: z.string().max(500).describe('why; required, shown to the team and kept in the audit trail') })
  .strict();

export const undoRoutes: ApiRoute[] = [
  defineRoute({
    method: 'post',
    path: '/stocktakes/{stocktake}/cancel',
    operationId: 'cancelStocktake',
    summary: 'Cancel a stocktake before anything is posted (取消盘点)',
    description:
      'Needs supervisor, manager or admin. The warehouse is free again for a new stocktake and for book imports; documents still in approval are withdrawn with it; nothing is deleted. Refused (409) once a document of it is posted.',
    tags: ['stocktakes'],
    params: STOCKTAKE_PARAM,
    body: reasonBody,
    status: 200,
    response: { description: 'the stocktake, cancelled', schema: CancelledStocktake },
    errors: [403, 404, 409],
    handle: (c, { params, body, ctx }) => cancelStocktake(c.get('deps').db, ctx, { stocktake: params.stocktake!, reason: body.reason }),
  }),

  defineRoute({
    method: 'get',
    path: '/stocktakes/{stocktake}/counts',
    operationId: 'listCountImports',
    summary: 'The count sheets imported into a stocktake, voided ones marked',
    tags: ['counts'],
    params: STOCKTAKE_PARAM,
    status: 200,
    response: { description: 'the imports, oldest first', schema: CountImportList },
    errors: [403, 404],
    async handle(c, { actor, params }) {
      const db = c.get('deps').db;
      const st = await getStocktake(db, params.stocktake!);
      await requireReader(db, actor, st.warehouseCode, `stocktake ${st.code}`);
      return { imports: await listCountImports(db, st) };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/stocktakes/{stocktake}/counts/{sheet}/void',
    operationId: 'voidCountImport',
    summary: 'Void a count sheet while counting is open (作废盘点表)',
    description:
      "Its entries stop counting (they stay, marked void) and every line it covered is counted again from the remaining entries of its latest round: one count → counted, several agreeing → verified, disagreeing → conflict, none → uncounted. A location's scans are voided the same way. Needs supervisor, manager or admin, or the sheet's own counter. The answer lists the lines that changed.",
    tags: ['counts'],
    params: {
      ...STOCKTAKE_PARAM,
      sheet: 'import id (from the import or GET …/counts), or the file name when one import has it (URL-encoded)',
    },
    body: reasonBody,
    status: 200,
    response: { description: 'the sheet, voided, and what changed', schema: VoidedImport },
    errors: [403, 404, 409],
    handle: (c, { params, body, ctx }) =>
      voidCountImport(c.get('deps').db, ctx, { stocktake: params.stocktake!, sheet: params.sheet!, reason: body.reason }),
  }),

  defineRoute({
    method: 'post',
    path: '/documents/{document}/withdraw',
    operationId: 'withdrawDocument',
    summary: 'Withdraw a document before its first decision (撤回单据): its lines go back to review, confirmed',
    description:
      'By its submitter, or a manager or admin of the warehouse. The approval steps are cancelled and the approvers’ cards update. Refused (409) once a step is approved: the approver of the pending step may reject it instead.',
    tags: ['documents'],
    params: DOCUMENT_PARAM,
    body: reasonBody,
    status: 200,
    response: { description: 'the document, withdrawn', schema: DocumentSummary },
    errors: [403, 404, 409],
    handle: (c, { params, body, ctx }) => withdrawDocument(c.get('deps').db, ctx, { document: params.document!, reason: body.reason }),
  }),
];
