/** ERP connectors (admin) and the sync of posted documents: status, retry, reconciliation (README "ERP connectors"). */
import { z } from 'zod';
import type { DbOrTx as Db } from '../../../db/client.ts';
import type { Actor } from '../../domain/people.ts';
import {
  erpStatus,
  ERP_KINDS,
  listErpConnectors,
  removeErpConnector,
  retryDocumentSync,
  saveErpConnector,
  testErpConnector,
  unsyncedDocuments,
} from '../../services/erp.ts';
import { readableWarehouses, requireReader } from './access.ts';
import { DOCUMENT_PARAM } from './documents.ts';
import { defineRoute, type ApiRoute } from './route.ts';
import { ErpConnector, ErpConnectorList, ErpRetryResult, ErpStatusList, ErpTestResult, ErpUnsyncedList } from './schemas.ts';

const kind = z.enum(ERP_KINDS);
const CONNECTOR_PARAMS = { warehouse: 'warehouse code', erp: 'kingdee, u8, erpnext or odoo' };

/**
 * What `load` lists for the warehouse asked for (the caller must hold a role there) or for every warehouse,
 * kept to the warehouses where the caller holds a role.
 */
async function readableRows<T extends { warehouse: string }>(
  db: Db,
  actor: Actor,
  warehouse: string | undefined,
  load: (filter: { warehouse?: string }) => Promise<T[]>,
): Promise<T[]> {
  if (warehouse) await requireReader(db, actor, warehouse, `warehouse ${warehouse}`);
  const readable = await readableWarehouses(db, actor);
  return (await load(warehouse ? { warehouse } : {})).filter((row) => readable.has(row.warehouse));
}

export const erpRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/erp/connectors',
    operationId: 'listErpConnectors',
    summary: 'ERP connectors of the warehouses where the caller holds a role',
    tags: ['erp'],
    query: z.object({ warehouse: z.string().trim().min(1).optional() }).strict(),
    status: 200,
    response: { description: 'the active connectors', schema: ErpConnectorList },
    errors: [403, 404],
    async handle(c, { actor, query }) {
      const db = c.get('deps').db;
      return { connectors: await readableRows(db, actor, query.warehouse, (filter) => listErpConnectors(db, filter)) };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/erp/connectors',
    operationId: 'saveErpConnector',
    summary: "Add a warehouse's connector to an ERP, or replace its configuration",
    description:
      'Needs the admin role in the warehouse. Credentials are never sent or stored: the configuration names the environment variables (passwordEnv, apiKeyEnv, apiSecretEnv) the server reads them from. Fields per ERP in README "ERP connectors".',
    tags: ['erp'],
    body: z.object({ warehouse: z.string().trim().min(1), erp: kind, config: z.record(z.string(), z.unknown()) }).strict(),
    status: 201,
    response: { description: 'the connector as saved', schema: ErpConnector },
    errors: [403, 404],
    handle: (c, { actor, body }) =>
      saveErpConnector(c.get('deps').db, actor, { warehouse: body.warehouse, kind: body.erp, config: body.config }),
  }),

  defineRoute({
    method: 'post',
    path: '/erp/connectors/{warehouse}/{erp}/remove',
    operationId: 'removeErpConnector',
    summary: 'Stop syncing the warehouse to an ERP (its sync history stays)',
    tags: ['erp'],
    params: CONNECTOR_PARAMS,
    status: 200,
    response: { description: 'the connector, inactive', schema: ErpConnector },
    errors: [403, 404],
    handle: (c, { actor, params }) => removeErpConnector(c.get('deps').db, actor, { warehouse: params.warehouse!, kind: params.erp! }),
  }),

  defineRoute({
    method: 'post',
    path: '/erp/connectors/{warehouse}/{erp}/test',
    operationId: 'testErpConnector',
    summary: 'Log in to the ERP with the stored configuration (U8: write a probe file)',
    description: "ok false carries the ERP's own message (wrong password, unknown account set, …).",
    tags: ['erp'],
    params: CONNECTOR_PARAMS,
    status: 200,
    response: { description: 'what the ERP answered', schema: ErpTestResult },
    errors: [403, 404],
    handle: (c, { actor, params }) => testErpConnector(c.get('deps').db, actor, { warehouse: params.warehouse!, kind: params.erp! }),
  }),

  defineRoute({
    method: 'get',
    path: '/erp/status',
    operationId: 'erpStatus',
    summary: 'Per connector: posted documents synced, waiting, failed and not queued',
    tags: ['erp'],
    query: z.object({ warehouse: z.string().trim().min(1).optional() }).strict(),
    status: 200,
    response: { description: 'one row per active connector', schema: ErpStatusList },
    errors: [403, 404],
    async handle(c, { actor, query }) {
      const db = c.get('deps').db;
      return { connectors: await readableRows(db, actor, query.warehouse, (filter) => erpStatus(db, filter)) };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/erp/unsynced',
    operationId: 'listUnsyncedDocuments',
    summary: 'Reconciliation: posted documents not (yet) in an ERP',
    description:
      'Waiting, failed or never queued, per warehouse and connector; documents posted before the connector was added only with all=true.',
    tags: ['erp'],
    query: z
      .object({
        warehouse: z.string().trim().min(1).optional(),
        erp: kind.optional(),
        all: z.enum(['true', 'false']).optional().describe('also documents posted before the connector was added'),
      })
      .strict(),
    status: 200,
    response: { description: 'the unsynced documents, oldest first per connector', schema: ErpUnsyncedList },
    errors: [403, 404],
    async handle(c, { actor, query }) {
      const db = c.get('deps').db;
      const documents = await readableRows(db, actor, query.warehouse, (filter) =>
        unsyncedDocuments(db, {
          ...filter,
          ...(query.erp ? { kind: query.erp } : {}),
          ...(query.all === 'true' ? { includeEarlier: true } : {}),
        }),
      );
      return { documents };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/documents/{document}/erp-sync/retry',
    operationId: 'retryErpSync',
    summary: 'Send a posted document to its ERPs again (after fixing what the ERP refused)',
    description:
      'Needs an approver role (supervisor, finance, manager) or admin in its warehouse. 409 when it is already synced everywhere.',
    tags: ['erp', 'documents'],
    params: DOCUMENT_PARAM,
    body: z.object({ erp: kind.optional() }).strict(),
    status: 200,
    response: { description: "the document's syncs after queuing", schema: ErpRetryResult },
    errors: [403, 404, 409],
    handle: (c, { actor, params, body }) =>
      retryDocumentSync(c.get('deps').db, actor, { document: params.document!, ...(body.erp ? { kind: body.erp } : {}) }),
  }),
];
