/**
 * Counting on the phone over the API: the counting page's calls (a session cookie) and a scanner app's (an
 * API key) alike. Entries carry the phone's own ids, so a batch sent again after a lost answer stores nothing twice.
 */
import { z } from 'zod';
import {
  addScanEntries,
  countingFor,
  finishLocation,
  lookupCode,
  MAX_SCAN_BATCH,
  scanContext,
  scannedAt,
  scanEntryInput,
} from '../../services/scans.ts';
import { defineRoute, type ApiRoute } from './route.ts';
import { LocationDoneSchema, ScanBatchSchema, ScanContextSchema, ScanLocationSchema, ScannedItemSchema } from './schemas.ts';
import { STOCKTAKE_PARAM } from './stocktakes.ts';

const WHO =
  'Needs a counting role (counter, supervisor, manager, admin) in the warehouse, and the stocktake counting (in review: only the lines waiting for your recount).';

export const scanRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/stocktakes/{stocktake}/scan',
    operationId: 'scanContext',
    summary: 'Open counting on the phone: the locations and their progress',
    description: WHO,
    tags: ['scanning'],
    params: STOCKTAKE_PARAM,
    status: 200,
    response: { description: 'what the counting page needs', schema: ScanContextSchema },
    errors: [403, 404, 409],
    handle: (c, { actor, params }) => scanContext(c.get('deps').db, params.stocktake!, actor),
  }),
  defineRoute({
    method: 'get',
    path: '/stocktakes/{stocktake}/scan/lookup',
    operationId: 'scanLookup',
    summary: 'The item a barcode or SKU names',
    description: `An unknown code is a 404 whose message says what to do. ${WHO}`,
    tags: ['scanning'],
    params: STOCKTAKE_PARAM,
    query: z.object({ code: z.string().trim().min(1).max(200).describe('a barcode or a SKU') }).strict(),
    status: 200,
    response: { description: 'the item', schema: ScannedItemSchema },
    errors: [403, 404, 409],
    async handle(c, { actor, params, query }) {
      const db = c.get('deps').db;
      await countingFor(db, params.stocktake!, actor);
      return lookupCode(db, query.code);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/stocktakes/{stocktake}/scan/entries',
    operationId: 'addScanEntries',
    summary: 'Store scans (+1), corrections (−1) and typed quantities',
    description: [
      `Each entry has an id made by the phone; an id already stored is answered as a duplicate and not stored again, so a queue`,
      `may be sent again whole after a lost answer. At most ${MAX_SCAN_BATCH} entries a request. Entries are checked one by one: the`,
      `good ones are stored and the others come back in \`rejected\` with the reason (an unknown barcode, a unit the item lacks). ${WHO}`,
    ].join(' '),
    tags: ['scanning'],
    params: STOCKTAKE_PARAM,
    body: z.object({ entries: z.array(scanEntryInput).min(1).max(MAX_SCAN_BATCH) }).strict(),
    status: 200,
    response: { description: 'what was stored, and the running count of each location touched', schema: ScanBatchSchema },
    errors: [403, 404, 409],
    handle: (c, { actor, params, body }) => addScanEntries(c.get('deps').db, params.stocktake!, actor, body.entries),
  }),
  defineRoute({
    method: 'get',
    path: '/stocktakes/{stocktake}/scan/entries',
    operationId: 'scannedAt',
    summary: "The caller's count of a location so far",
    description: WHO,
    tags: ['scanning'],
    params: STOCKTAKE_PARAM,
    query: z.object({ location: z.string().trim().max(100).default('') }).strict(),
    status: 200,
    response: { description: 'the running list', schema: ScanLocationSchema },
    errors: [403, 404, 409],
    handle: (c, { actor, params, query }) => scannedAt(c.get('deps').db, params.stocktake!, actor, query.location),
  }),
  defineRoute({
    method: 'post',
    path: '/stocktakes/{stocktake}/scan/done',
    operationId: 'finishLocation',
    summary: 'Location done (本库位完成): send its scans in as one count',
    description: [
      "The caller's scans at the location become one count import, like a sheet's lines: summed per SKU, recorded in the round,",
      'verified or in conflict against another count of the same round, timed by the last scan (cut-off). Marking it done again after',
      `more scans sends the whole count again one round up, replacing the earlier one. ${WHO}`,
    ].join(' '),
    tags: ['scanning'],
    params: STOCKTAKE_PARAM,
    body: z.object({ location: z.string().trim().max(100) }).strict(),
    status: 200,
    response: { description: 'what the count did', schema: LocationDoneSchema },
    errors: [403, 404, 409],
    handle: (c, { actor, params, body }) => finishLocation(c.get('deps').db, params.stocktake!, actor, body.location),
  }),
];
