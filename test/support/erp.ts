/**
 * ERP sync in tests: posted documents (WH1's gain and loss from submittedStocktake, approved by sue; posting
 * writes their document.posted events and a delivery per active ERP connector), the payload as posting
 * wrote it, and the delivery worker with the targets the app registers (src/integration/targets.ts).
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { createDeliveryWorker } from '../../src/integration/delivery.ts';
import type { DocumentData, DocumentPayload, IntegrationEnvelope } from '../../src/integration/payload.ts';
import '../../src/integration/targets.ts';
import { approveDocument } from '../../src/services/approvals.ts';
import { submittedStocktake } from './flow.ts';

/**
 * WH1's gain (PY, A-200@R2 +1) and loss (PK, A-100@R1 −10, C-400@R4 −2), posted by sue; `beforePosting`
 * runs once WH1 exists (to add connectors, as an admin would before the documents are approved).
 */
export async function postedDocuments(db: Db, beforePosting: () => Promise<unknown> = async () => {}) {
  const { st, people, documents } = await submittedStocktake(db);
  await beforePosting();
  for (const d of documents) await approveDocument(db, people.sue, { document: d.number });
  const gain = documents.find((d) => d.kind === 'gain')!;
  const loss = documents.find((d) => d.kind === 'loss')!;
  return { st, people, gain, loss };
}

/** The payload v1 of a posted document, as its document.posted event carries it. */
export async function payloadOf(db: Db, documentId: string): Promise<DocumentPayload> {
  const [event] = await queryRows<{ payload: unknown }>(
    db,
    sql`select payload from integration_event where subject = ${documentId} and type = 'document.posted' order by seq desc limit 1`,
  );
  const payload = (typeof event!.payload === 'string' ? JSON.parse(event!.payload) : event!.payload) as IntegrationEnvelope<DocumentData>;
  return payload.data.document;
}

/**
 * Sends every due delivery with the app's worker until nothing is due: delivered with the ERP's number, or
 * the ERP's message in last_error — failed at once when retrying cannot help, due again after the backoff
 * (a minute) when it can.
 */
export async function runErpDeliveries(db: Db): Promise<void> {
  await createDeliveryWorker({ db, log: () => {} }).drainUntilIdle();
}
