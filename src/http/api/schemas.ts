/**
 * What the API answers, as zod schemas registered by name: openapi.json lists them as components, and
 * tests check real responses against them. Quantities and money are decimal strings, never JSON numbers.
 */
import { z } from 'zod';
import { ROLES } from '../../domain/people.ts';
import { COUNT_STATUSES, DOCUMENT_STATUSES, REVIEW_STATUSES, STOCKTAKE_STATUSES } from '../../domain/stocktake.ts';

/** Named schemas: each becomes `#/components/schemas/<id>`. */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

export function named<S extends z.ZodType>(id: string, description: string, schema: S): S {
  apiSchemas.add(schema, { id, description });
  return schema;
}

export const decimal = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .describe('exact decimal as a string, e.g. "-12.50"');
const instant = z.string().describe('ISO 8601 instant (UTC)');
const count = z.number().int().min(0);

export { REVIEW_STATUSES };

export const Problem = named(
  'Problem',
  'one thing wrong with the input, where it is (sheet line and column, or the field)',
  z.object({
    line: z.number().int().nullable(),
    column: z.string().nullable(),
    message: z.string().describe('in English'),
    localized: z
      .object({ 'zh-CN': z.string(), en: z.string() })
      .optional()
      .describe('the message in each language, for problems worded from the catalogue'),
  }),
);

export const ErrorBody = named(
  'Error',
  'every refusal: a stable code, a message saying what to do, and for bad input every problem',
  z.object({
    error: z.object({
      code: z
        .string()
        .describe(
          'INVALID_INPUT, UNAUTHENTICATED, NOT_ALLOWED, NOT_FOUND, STALE, STOCKTAKE_STATE, DUPLICATE_IMPORT, STOCKTAKE_ALREADY_OPEN, PAYLOAD_TOO_LARGE, INTERNAL',
        ),
      message: z.string(),
      localized: z
        .object({ 'zh-CN': z.string(), en: z.string() })
        .optional()
        .describe('the message in each language, when worded from the catalogue'),
      problems: z.array(Problem).optional(),
      sheets: z
        .array(z.string())
        .optional()
        .describe('an XLSX workbook with data on several sheets: their names; send again with the sheet option naming one'),
    }),
  }),
);

const ScopeFields = {
  scope: z
    .object({
      locations: z.array(z.string()).optional(),
      categories: z.array(z.string()).optional(),
      classes: z.array(z.enum(['A', 'B', 'C'])).optional(),
      skus: z.array(z.string()).optional(),
      classSkus: z.array(z.string()).optional().describe('the items of the classes when the stocktake started'),
      sample: z
        .object({ size: count, population: count, weighted: z.enum(['none', 'value', 'class']), seed: z.number().int() })
        .optional()
        .describe('a spot check (抽盘): how its items were drawn'),
    })
    .optional()
    .describe('a partial stocktake: what it covers (criteria combine with AND); left out for the whole warehouse'),
  scopeSummary: z.object({ en: z.string(), zh: z.string() }).optional().describe('the scope in words'),
};

const SpotCheckEstimate = z
  .object({
    lines: count.describe('lines counted in the sample'),
    matching: count.describe('of them, lines with no variance'),
    accuracy: z.string().describe('matching ÷ lines, percent with one decimal'),
    low: z.string().describe('95% Wilson interval, lower bound, percent'),
    high: z.string().describe('95% Wilson interval, upper bound, percent'),
    items: count.describe('items in the sample'),
    population: count.describe('items the sample was drawn from'),
    summary: z.object({ en: z.string(), zh: z.string() }),
  })
  .optional()
  .describe('a spot check (抽盘) whose counting has closed: the estimated accuracy of the warehouse');

export const Progress = named(
  'StocktakeProgress',
  'where a stocktake stands: lines per count status and the variance totals',
  z.object({
    id: z.string(),
    code: z.string(),
    warehouse: z.string(),
    timezone: z.string(),
    status: z.enum(STOCKTAKE_STATUSES),
    snapshotAt: instant,
    countingClosedAt: instant.nullable(),
    blind: z.boolean().describe('a blind count (盲盘): counters see no book figures until counting closes'),
    bookFiguresHidden: z
      .boolean()
      .describe('true for a counter while a blind count is counting: variances (counts and values) are left out'),
    imports: count,
    lines: z.object({ total: count, counted: count, verified: count, conflict: count, uncounted: count, notInBook: count }),
    variances: z
      .object({ gain: count, loss: count, match: count, gainValue: decimal, lossValue: decimal, netValue: decimal })
      .optional()
      .describe('left out when bookFiguresHidden'),
    ...ScopeFields,
    spotCheck: SpotCheckEstimate,
  }),
);

export const StocktakeList = named(
  'StocktakeList',
  'stocktakes of the warehouses where the caller holds a role, oldest first',
  z.object({ stocktakes: z.array(Progress) }),
);

export const Started = named(
  'StartedStocktake',
  'a stocktake just started: the book is frozen',
  z.object({
    id: z.string(),
    code: z.string(),
    warehouse: z.string(),
    status: z.enum(STOCKTAKE_STATUSES),
    snapshotAt: instant,
    bookLines: count,
    blind: z.boolean().describe('a blind count (盲盘)'),
    ...ScopeFields,
  }),
);

const ApprovalStep = z.object({
  stepNo: z.number().int(),
  role: z.enum(ROLES),
  status: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: instant.nullable(),
  dueAt: instant.nullable(),
  reason: z.string().nullable(),
});

export const DocumentSummary = named(
  'DocumentSummary',
  'a gain (盘盈单) or loss (盘亏单) document with its approval route',
  z.object({
    id: z.string(),
    number: z.string(),
    kind: z.enum(['gain', 'loss']),
    stocktake: z.string(),
    warehouse: z.string(),
    status: z.enum(DOCUMENT_STATUSES),
    lineCount: count,
    totalQty: decimal,
    totalValue: decimal,
    currency: z.string(),
    timezone: z.string().meta({ description: "the warehouse's IANA timezone; the route's times are instants (UTC)" }),
    route: z.array(ApprovalStep),
  }),
);

export const DocumentList = named(
  'DocumentList',
  'documents of the warehouses where the caller holds a role',
  z.object({ documents: z.array(DocumentSummary) }),
);

const erpKind = z.enum(['kingdee', 'u8', 'erpnext', 'odoo']).describe('kingdee (金蝶云星空), u8 (用友 U8), erpnext, odoo');

export const ErpSync = named(
  'ErpSync',
  "a posted document's sync with one ERP connector of its warehouse",
  z.object({
    connectorId: z.string(),
    kind: erpKind,
    state: z
      .enum(['pending', 'sending', 'synced', 'failed', 'notQueued'])
      .describe(
        'pending: waiting (after a retryable failure too, lastError says why); failed: needs a fix and a retry; notQueued: never sent',
      ),
    externalRef: z.string().nullable().describe("the ERP's document number once synced"),
    lastError: z.string().nullable().describe("the ERP's message of the last failed attempt"),
    attempts: count,
    syncedAt: instant.nullable(),
    nextAttemptAt: instant.nullable(),
  }),
);

export const DocumentDetail = named(
  'DocumentDetail',
  'a document with its numbered lines',
  DocumentSummary.extend({
    lines: z.array(
      z.object({
        lineNo: z.number().int(),
        sku: z.string(),
        location: z.string(),
        lot: z.string().describe("the lot (批次); '' for an item that is not lot-tracked"),
        qty: decimal,
        unitCost: decimal,
        value: decimal,
        causeCode: z.string(),
        causeLabelEn: z.string().nullable(),
        causeLabelZh: z.string().nullable(),
        note: z.string().nullable(),
      }),
    ),
    erpSync: z.array(ErpSync).describe("a posted document's sync with each ERP connector of its warehouse (empty before posting)"),
  }),
);

export const StocktakeDetail = named(
  'StocktakeDetail',
  'a stocktake: progress, review counts and its documents',
  Progress.extend({
    review: z.object({ open: count, recount: count, confirmed: count, documented: count, posted: count, overdue: count }),
    documents: z.array(DocumentSummary),
  }),
);

export const CountImport = named(
  'CountImportReport',
  'what a count sheet import did',
  z.object({
    importId: z.string(),
    stocktake: z.string(),
    counter: z.string(),
    round: z.number().int(),
    contentHash: z.string(),
    fileName: z.string(),
    rowsRead: count,
    rowsAccepted: count,
    rowsRejected: count,
    problems: z.array(Problem).describe('with skipInvalid, the rows left out'),
    sheet: z.string().nullable().describe('the XLSX sheet read (null for CSV)'),
    ignoredColumns: z
      .array(
        z.object({
          column: z.string().describe('the header as the file writes it'),
          suggestion: z.string().nullable().describe('the accepted header it is probably a misspelling of'),
          message: z.string().describe('in English'),
          localized: z.object({ 'zh-CN': z.string(), en: z.string() }),
        }),
      )
      .describe('columns of the file that were not read (a misspelt header is one: its column was lost)'),
    linesCounted: count,
    linesNotInBook: count,
    linesVerified: count,
    linesInConflict: count,
    linesSuperseded: count,
    linesResolved: count.describe('lines that were in conflict and that this sheet, a later round, settled'),
    progress: Progress,
  }),
);

export const ClosedCounting = named(
  'ClosedCounting',
  'counting closed: uncounted lines taken as zero, review open',
  z.object({
    code: z.string(),
    status: z.enum(STOCKTAKE_STATUSES),
    countingClosedAt: instant,
    uncountedAsZero: count,
    openVariances: count,
    autoConfirmed: count,
    owner: z.string().nullable(),
  }),
);

const Suggestion = z.object({
  rule: z.string(),
  cause: z.string(),
  reason: z.object({ en: z.string(), zh: z.string() }),
  caseCode: z.string().optional().describe('the case of the case library offered by the similar_case rule (C-12)'),
});

export const VarianceLine = named(
  'VarianceLine',
  'one line of a stocktake: figures, variance and review state',
  z.object({
    line: z.string().describe('SKU@LOCATION (SKU@LOCATION#LOT for a lot), as the line parameter of the variance actions takes it'),
    sku: z.string(),
    location: z.string(),
    lot: z.string().describe("the lot (批次); '' for an item that is not lot-tracked"),
    expiry: z.string().nullable().describe('the lot’s expiry date (YYYY-MM-DD), when known'),
    itemName: z.string().nullable(),
    unit: z.string().nullable(),
    bookQty: decimal,
    movementQty: decimal,
    expectedQty: decimal,
    countedQty: decimal.nullable(),
    diffQty: decimal.nullable(),
    diffValue: decimal.nullable(),
    unitCost: decimal,
    direction: z.enum(['gain', 'loss', 'match']).nullable(),
    countStatus: z.enum(COUNT_STATUSES),
    reviewStatus: z.enum(REVIEW_STATUSES),
    owner: z.string().nullable(),
    dueAt: instant.nullable(),
    overdue: z.boolean(),
    causeCode: z.string().nullable(),
    note: z.string().nullable(),
    suggestion: Suggestion.nullable(),
    autoConfirmed: z.boolean(),
    recountBy: z.string().nullable(),
    returnedReason: z.string().nullable(),
  }),
);

export const BlindVarianceLine = named(
  'BlindVarianceLine',
  'a line as a counter sees it while a blind count (盲盘) is counting: no book, expected, counted or variance figures',
  z.object({
    line: z.string().describe('SKU@LOCATION (SKU@LOCATION#LOT for a lot)'),
    sku: z.string(),
    location: z.string(),
    lot: z.string(),
    itemName: z.string().nullable(),
    unit: z.string().nullable(),
    countStatus: z.enum(COUNT_STATUSES),
    recountNeeded: z.boolean().describe('two counts disagree: count the line again'),
  }),
);

export const VariancePage = named(
  'VariancePage',
  'a page of variance lines and how many match the filters',
  z.object({
    stocktake: z.string(),
    total: count,
    limit: count,
    offset: count,
    bookFiguresHidden: z.boolean().describe('true for a counter while a blind count is counting: lines are BlindVarianceLine'),
    lines: z.array(z.union([VarianceLine, BlindVarianceLine])),
  }),
);

export const ReviewResult = named(
  'ReviewLine',
  'a variance after a review action (person ids, as the service records them)',
  z.object({
    sku: z.string(),
    location: z.string(),
    lot: z.string(),
    diffQty: decimal,
    diffValue: decimal,
    reviewStatus: z.enum(REVIEW_STATUSES),
    ownerId: z.string().nullable(),
    dueAt: instant.nullable(),
    causeCode: z.string().nullable(),
    note: z.string().nullable(),
    suggestion: Suggestion.nullable(),
    causeMatchedSuggestion: z.boolean().nullable(),
    explainedBy: z.string().nullable(),
    confirmedBy: z.string().nullable(),
    autoConfirmed: z.boolean(),
    recountBy: z.string().nullable(),
    returnedReason: z.string().nullable(),
  }),
);

export const SubmitResult = named(
  'SubmitResult',
  'documents made from explained variances',
  z.object({
    documents: z.array(DocumentSummary),
    alreadyDocumented: z.array(z.string()),
    notReady: count,
  }),
);

const auditFinding = z
  .object({
    kind: z.enum([
      'edited',
      'removed',
      'reordered',
      'missingTail',
      'rehashed',
      'badSignature',
      'checkpointsRemoved',
      'behindHead',
      'headMismatch',
      'books',
    ]),
    message: z.string().describe("what was found and where, in the caller's language"),
  })
  .catchall(z.unknown())
  .describe('one problem: the kind, where (id, seq, checkpoint…), and a message');

export const AuditVerdict = named(
  'AuditVerdict',
  'whether the audit chain and its anchors (signed checkpoints, the published head) are intact, and what was found if not',
  z.object({
    ok: z.boolean(),
    rows: count.describe('sealed rows that verified'),
    lastSeq: z.string(),
    lastHash: z.string(),
    unsealed: count.describe('rows written but not sealed into the chain yet'),
    checkpoints: z.object({
      count,
      signed: count,
      last: z.object({ n: count, seq: z.string(), at: instant }).nullable(),
    }),
    head: z.object({ seq: z.string(), hash: z.string(), source: z.string() }).nullable(),
    problems: z.array(auditFinding),
    warnings: z.array(z.object({ kind: z.string(), message: z.string() }).catchall(z.unknown())),
  }),
);

export const AuditHistory = named(
  'AuditHistory',
  'the audit entries of a stocktake or a document, in order',
  z.object({
    entries: z.array(
      z.object({
        id: z.string(),
        at: instant,
        actorPersonId: z.string().nullable(),
        actorIdentity: z.string(),
        action: z.string(),
        entityType: z.string(),
        entityId: z.string(),
        stocktakeId: z.string().nullable(),
        documentId: z.string().nullable(),
        before: z.unknown(),
        after: z.unknown(),
        idempotencyKey: z.string().nullable(),
        seq: z.string().nullable().describe('place in the chain; null until sealed (within a second)'),
        prevHash: z.string().nullable(),
        hash: z.string().nullable(),
      }),
    ),
  }),
);

export const OpenApiDocument = named(
  'OpenApiDocument',
  'this document',
  z.object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }) }).loose(),
);

export const PhotoAdded = named(
  'PhotoAdded',
  'a photo attached to a line or a location',
  z.object({
    sha256: z.string().describe('the photo, by the SHA-256 of its bytes: GET /photos/{sha256}'),
    stocktake: z.string(),
    sku: z.string().nullable().describe('null for a photo of a location'),
    location: z.string(),
    photos: z.number().int().describe('photos the line (or location) has now'),
    added: z.boolean().describe('false when this photo was already attached there'),
  }),
);

export const PhotoList = named(
  'PhotoList',
  "a stocktake's photos, oldest first",
  z.object({
    stocktake: z.string(),
    photos: z.array(
      z.object({
        sha256: z.string(),
        sku: z.string().nullable(),
        location: z.string(),
        addedBy: z.string(),
        source: z.string(),
        addedAt: z.string(),
        width: z.number().int(),
        height: z.number().int(),
        bytes: z.number().int(),
        url: z.string().describe('the photo'),
        thumbnailUrl: z.string().describe('a JPEG at most 320 px on its longer side'),
      }),
    ),
  }),
);

const localizedText = z.object({ 'zh-CN': z.string(), en: z.string() });

export const ScanContextSchema = named(
  'ScanContext',
  'what the counting page opens with: whether the caller may count, and the locations with their progress',
  z.object({
    stocktake: z.string(),
    warehouse: z.string(),
    status: z.enum(STOCKTAKE_STATUSES),
    blind: z.boolean(),
    showsBookFigures: z.boolean().describe('false for a counter while a blind count is counting: no expected quantities are sent'),
    canCount: z.boolean(),
    round: z.number().int().describe('the round a count sent now is recorded in'),
    locations: z.array(
      z.object({
        location: z.string(),
        lines: count.describe('lines of the frozen book there (in review: lines waiting for your recount)'),
        counted: count,
        doneByMe: z.boolean().describe('you scanned here and marked it done'),
      }),
    ),
  }),
);

export const ScannedItemSchema = named(
  'ScannedItem',
  'the item a barcode (or SKU) names, with its pack units',
  z.object({
    code: z.string(),
    sku: z.string(),
    name: z.string(),
    unit: z.string().describe('the base unit'),
    packs: z.array(z.object({ unit: z.string(), factor: decimal.describe('base units in one of this unit') })),
    asksQty: z.boolean().describe('a scan asks how many instead of adding one'),
  }),
);

export const ScanLocationSchema = named(
  'ScanLocation',
  "the caller's count of one location: everything scanned there, sent in or not",
  z.object({
    location: z.string(),
    lines: z.array(
      z.object({
        sku: z.string(),
        name: z.string(),
        unit: z.string(),
        qty: decimal.describe('in the base unit'),
        countedAs: z.string().nullable().describe('how it was counted in pack units, e.g. "2 箱 + 3 个"'),
        expected: decimal.nullable().describe('the book quantity there; null in a blind count for a counter'),
        scans: count,
      }),
    ),
    pending: count.describe('entries not yet in a count import'),
    done: z.boolean(),
  }),
);

export const ScanBatchSchema = named(
  'ScanBatchResult',
  'entries stored (a duplicate id is reported, not stored twice) and entries refused with the reason',
  z.object({
    accepted: z.array(z.object({ id: z.string(), sku: z.string(), qty: decimal, duplicate: z.boolean() })),
    rejected: z.array(z.object({ id: z.string(), code: z.string(), message: z.string(), localized: localizedText })),
    locations: z.array(ScanLocationSchema),
  }),
);

export const LocationDoneSchema = named(
  'LocationDone',
  "a location's scans sent in as one count",
  z.object({
    location: z.string(),
    importId: z.string(),
    round: z.number().int(),
    linesCounted: count,
    linesVerified: count,
    linesInConflict: count,
    progress: Progress,
  }),
);

export const CancelledStocktake = named(
  'CancelledStocktake',
  'a stocktake cancelled before anything was posted (取消盘点): the warehouse is free again',
  z.object({
    code: z.string(),
    warehouse: z.string(),
    status: z.literal('cancelled'),
    before: z.enum(STOCKTAKE_STATUSES).describe('the status it was cancelled in'),
    reason: z.string(),
    cancelledAt: instant,
    documentsWithdrawn: z.array(z.string()).describe('numbers of the documents still in approval, withdrawn with it'),
  }),
);

const CountOfLine = z.object({ countStatus: z.enum(COUNT_STATUSES), countedQty: decimal.nullable() });

export const CountImportList = named(
  'CountImportList',
  'the count sheets (and locations scanned) imported into a stocktake, oldest first, voided ones included',
  z.object({
    imports: z.array(
      z.object({
        id: z.string(),
        fileName: z.string().describe('the file name, or "scan LOCATION" for a location counted on the phone'),
        counter: z.string(),
        round: z.number().int(),
        linesCounted: count,
        importedAt: instant,
        voidedAt: instant.nullable(),
        voidedBy: z.string().nullable(),
        voidReason: z.string().nullable(),
      }),
    ),
  }),
);

export const VoidedImport = named(
  'VoidedImport',
  'a count sheet voided (作废): its entries no longer count; the lines it covered, counted again from the rest',
  z.object({
    importId: z.string(),
    stocktake: z.string(),
    fileName: z.string(),
    counter: z.string(),
    reason: z.string(),
    linesCovered: count,
    linesChanged: count.describe('lines whose count changed'),
    changed: z
      .array(
        z.object({
          sku: z.string(),
          location: z.string(),
          lot: z.string().describe("'' when the item is not lot-tracked"),
          before: CountOfLine,
          after: CountOfLine,
        }),
      )
      .describe('the lines that changed, by SKU and location (at most 200)'),
    scanEntries: count.describe("for a location's scans: the scan entries that no longer count"),
  }),
);

export const ErpConnector = named(
  'ErpConnector',
  "a warehouse's connector to an ERP; config holds no secret (credentials are named by environment variable)",
  z.object({
    id: z.string(),
    warehouse: z.string(),
    kind: erpKind,
    active: z.boolean(),
    config: z.record(z.string(), z.unknown()),
    credentialsFrom: z.array(z.string()).describe('the environment variables the connector reads its credentials from'),
    createdAt: instant,
  }),
);

export const ErpConnectorList = named('ErpConnectorList', 'ERP connectors', z.object({ connectors: z.array(ErpConnector) }));

export const ErpTestResult = named(
  'ErpTestResult',
  "a connection test: the ERP's login answer",
  z.object({ ok: z.boolean(), message: z.string().describe('what the ERP said (its own message on failure)') }),
);

export const ErpStatusList = named(
  'ErpStatusList',
  'per connector: posted documents by sync state and the latest ERP message',
  z.object({
    connectors: z.array(
      z.object({
        warehouse: z.string(),
        kind: erpKind,
        pending: count,
        synced: count,
        failed: count,
        notQueued: count,
        lastError: z.string().nullable(),
      }),
    ),
  }),
);

export const ErpUnsyncedList = named(
  'ErpUnsyncedList',
  'reconciliation: posted documents not (yet) in an ERP',
  z.object({
    documents: z.array(ErpSync.extend({ warehouse: z.string(), document: z.string(), documentId: z.string(), postedAt: instant })),
  }),
);

export const ErpRetryResult = named(
  'ErpRetryResult',
  "a document's syncs queued again",
  z.object({ document: z.string(), retried: count, sync: z.array(ErpSync) }),
);

const caseFields = {
  code: z.string().describe('C-12'),
  warehouse: z.string(),
  stocktake: z.string(),
  title: z.string(),
  causeCode: z.string().describe('the root cause, from the cause catalogue'),
  direction: z.enum(['gain', 'loss']),
  action: z.string().describe('the corrective action'),
  actionOwner: z.string().describe("the action owner's handle"),
  actionDue: z.string().describe('the due day, YYYY-MM-DD in the warehouse calendar'),
  actionDueAt: instant.describe('the end of the due day in the warehouse timezone: past it the action is overdue'),
  status: z.enum(['open', 'done']),
  createdBy: z.string(),
  createdAt: instant,
};

export const CaseList = named(
  'CaseList',
  'cases of the case library (事故案例库), newest first, or for a search the best match first',
  z.object({
    cases: z.array(
      z.object({ ...caseFields, score: z.number().nullable().describe('how well a search matched (higher first); null outside a search') }),
    ),
  }),
);

export const CaseDetail = named(
  'Case',
  'a case with its evidence (the variances it explains and their photos), its corrective action and its history',
  z.object({
    ...caseFields,
    whatHappened: z.string(),
    doneBy: z.string().nullable(),
    doneAt: instant.nullable(),
    doneNote: z.string().nullable(),
    lines: z.array(
      z.object({
        line: z.string().describe('SKU@LOCATION (SKU@LOCATION#LOT for a lot)'),
        stocktake: z.string(),
        sku: z.string(),
        location: z.string(),
        lot: z.string(),
        diffQty: decimal,
        diffValue: decimal,
      }),
    ),
    photos: z.array(
      z.object({
        sha256: z.string(),
        sku: z.string().nullable(),
        location: z.string(),
        addedBy: z.string(),
        addedAt: z.string(),
        url: z.string(),
        thumbnailUrl: z.string(),
      }),
    ),
    history: z.array(z.object({ at: instant, action: z.string(), actorIdentity: z.string(), before: z.unknown(), after: z.unknown() })),
  }),
);
