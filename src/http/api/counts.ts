/**
 * Count sheet upload: multipart/form-data with a `file` field, or the sheet as the raw body. The body is
 * limited to the configured upload size before anything is read into an import.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InvalidInputError, NotAllowedError, problemOf } from '../../domain/errors.ts';
import { inputTexts } from '../../domain/texts/input.ts';
import { bufferSource } from '../../files/source.ts';
import { importCounts } from '../../services/counts.ts';
import { COUNTING_ROLES, holdsAnyOf, roleList, SUPERVISING_ROLES } from '../../domain/people.ts';
import { getPerson, requireRole } from '../../services/people.ts';
import { getStocktake } from '../../services/stocktakes.ts';
import { blindProgress, showsBookFigures } from '../../services/blind.ts';
import type { AppContext } from '../app.ts';
import { once } from './idempotency.ts';
import { parseWith, queryBoolean } from './input.ts';
import { defineRoute, type ApiRoute } from './route.ts';
import { CountImport } from './schemas.ts';
import { STOCKTAKE_PARAM } from './stocktakes.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const RAW_TYPES: Record<string, string> = { 'text/csv': 'upload.csv', [XLSX]: 'upload.xlsx', 'application/octet-stream': 'upload' };

/** The upload's options: query parameters, or (multipart) form fields of the same names. */
const uploadOptions = z
  .object({
    fileName: z.string().trim().min(1).max(200).optional().describe('the file name shown in reports (raw bodies; multipart sends its own)'),
    counter: z.string().trim().min(1).max(100).optional().describe('who counted: a person (handle or platform:id); default the caller'),
    round: z.coerce
      .number()
      .int()
      .min(1)
      .max(99)
      .optional()
      .describe('count round; default 1 while counting, in review one above the recounted lines'),
    skipInvalid: queryBoolean.optional().describe('true: import the valid rows and report the others (default: refuse the whole sheet)'),
    sheet: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('the XLSX sheet to read; default the one sheet with count data (with several, the error lists them in `sheets`)'),
  })
  .strict();

/** The file's name and bytes, and the options sent with it. */
async function readUpload(c: AppContext): Promise<{ name: string; bytes: Buffer; fields: Record<string, string> }> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'multipart/form-data') {
    const form = await c.req.parseBody();
    const { file, ...rest } = form;
    if (!(file instanceof File)) {
      throw new InvalidInputError(inputTexts.sendField('count sheet', 'file'), [problemOf(null, 'file', inputTexts.fieldMissing('file'))]);
    }
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(rest)) if (typeof value === 'string') fields[key] = value;
    return { name: file.name || 'upload', bytes: Buffer.from(await file.arrayBuffer()), fields };
  }
  const name = RAW_TYPES[type];
  if (!name) {
    throw new InvalidInputError(inputTexts.countSheetType(type || 'no content type', `text/csv, ${XLSX} or application/octet-stream`), [
      problemOf(null, 'Content-Type', inputTexts.typeNotAccepted(type || 'missing')),
    ]);
  }
  return { name, bytes: Buffer.from(await c.req.arrayBuffer()), fields: {} };
}

export const countRoutes: ApiRoute[] = [
  defineRoute({
    method: 'post',
    path: '/stocktakes/{stocktake}/counts',
    operationId: 'importCounts',
    summary: 'Upload a count sheet (CSV or XLSX)',
    description: [
      'Multipart/form-data with the field `file` (and optionally `counter`, `round`, `skipInvalid` as fields), or the sheet as the raw body',
      '(text/csv, XLSX, application/octet-stream) with the options as query parameters. Strict by default: a sheet with any invalid line',
      'is refused whole, with every problem and its line. Needs a role counter, supervisor, manager or admin; only a supervisor, manager or',
      'admin may name another person as the counter. A body above the upload limit is refused with 413 before anything is read.',
      'For a counter while a blind count is counting, progress leaves out the variance totals.',
    ].join(' '),
    tags: ['counts'],
    params: STOCKTAKE_PARAM,
    query: uploadOptions,
    requestBody: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: {
              file: { type: 'string', format: 'binary', description: 'the count sheet' },
              counter: { type: 'string' },
              round: { type: 'integer', minimum: 1 },
              skipInvalid: { type: 'string', enum: ['true', 'false'] },
              sheet: { type: 'string' },
            },
          },
        },
        'text/csv': { schema: { type: 'string', format: 'binary' } },
        [XLSX]: { schema: { type: 'string', format: 'binary' } },
        'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
      },
    },
    maxBodyBytes: (c) => c.get('deps').maxUploadBytes,
    status: 201,
    response: { description: 'the sheet was imported', schema: CountImport },
    errors: [403, 404, 409, 413],
    async handle(c, { actor, params, query, ctx }) {
      const db = c.get('deps').db;
      const st = await getStocktake(db, params.stocktake!);
      const roles = await requireRole(db, actor, st.warehouseId, st.warehouseCode, COUNTING_ROLES, 'import a count sheet');
      const upload = await readUpload(c);
      const options = { ...query, ...parseWith(uploadOptions, upload.fields, 'form fields') };
      if (upload.bytes.length === 0)
        throw new InvalidInputError(inputTexts.countSheetEmpty(), [problemOf(null, 'file', inputTexts.isEmpty())]);
      // Segregation of duties trusts the counter's name: counters may only send their own counts.
      const counter = options.counter ? await getPerson(db, options.counter) : null;
      if (counter && counter.id !== actor.personId && !holdsAnyOf(roles, SUPERVISING_ROLES)) {
        throw new NotAllowedError(inputTexts.ownCountsOnly(actor.handle, counter.handle, roleList(SUPERVISING_ROLES), st.warehouseCode));
      }
      const fileName = options.fileName ?? upload.name;
      const request = {
        stocktake: st.id,
        fileName,
        sha256: createHash('sha256').update(upload.bytes).digest('hex'),
        counter: counter?.id ?? null,
        round: options.round,
        skipInvalid: options.skipInvalid ?? false,
        ...(options.sheet !== undefined ? { sheet: options.sheet } : {}),
      };
      const report = await once(db, ctx, 'api.counts.import', request, () =>
        importCounts(
          db,
          st.id,
          bufferSource(fileName, upload.bytes),
          {
            counter: counter?.handle ?? actor.handle,
            ...(options.round !== undefined ? { round: options.round } : {}),
            skipInvalid: options.skipInvalid ?? false,
            ...(options.sheet !== undefined ? { sheet: options.sheet } : {}),
          },
          actor,
        ),
      );
      // Decided for this caller after the (possibly replayed) import: a counter of a blind count gets no totals.
      return (await showsBookFigures(db, actor, await getStocktake(db, st.id)))
        ? report
        : { ...report, progress: blindProgress(report.progress) };
    },
  }),
];
