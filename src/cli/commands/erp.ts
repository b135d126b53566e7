/**
 * `stocktake erp add|list|remove|test|status|retry|reconcile`: the ERP connectors of a warehouse and the
 * sync of posted documents to them (README "ERP connectors").
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Db } from '../../../db/client.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { render, type Phrase, type PhraseLocale } from '../../domain/phrase.ts';
import { ERP_NAMES, erpTexts, syncPhrase } from '../../domain/texts/erp.ts';
import {
  erpStatus,
  listErpConnectors,
  parseErpKind,
  removeErpConnector,
  retryDocumentSync,
  retryFailedSyncs,
  saveErpConnector,
  testErpConnector,
  unsyncedDocuments,
  type ErpConnectorView,
} from '../../services/erp.ts';
import { cliActor } from '../../services/people.ts';
import { renderTable } from '../format.ts';
import type { CliRunner } from '../main.ts';

const say = (phrase: Phrase, locale: PhraseLocale) => render(phrase, locale, 'cli');
const headers = (phrase: Phrase, locale: PhraseLocale) => say(phrase, locale).split('|');
const erpName = (kind: keyof typeof ERP_NAMES, locale: PhraseLocale) => (locale === 'en' ? ERP_NAMES[kind].en : ERP_NAMES[kind].zh);

const actorOf = async (db: Db, as: string | undefined) => (as ? cliActor(db, as) : null);

/** `--config '{"baseUrl": …}'` or `--config @file.json`. */
async function configText(text: string): Promise<string> {
  return text.startsWith('@') ? readFile(text.slice(1), 'utf8') : text;
}

/** The configuration shown without its maps' bulk: credentials are never in it (they are named by variable). */
const shownConfig = (c: ErpConnectorView) =>
  Object.entries(c.config)
    .filter(([k, v]) => !(k.endsWith('Map') && typeof v === 'object' && v !== null && Object.keys(v).length === 0))
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');

export function registerErp(program: Command, run: CliRunner): void {
  const erp = program
    .command('erp')
    .description('ERP connectors (金蝶 Kingdee / 用友 U8 / ERPNext / Odoo) and the sync of posted documents');

  erp
    .command('add <warehouse> <erp>')
    .description(
      "add or replace the warehouse's connector to an ERP (kingdee, u8, erpnext, odoo); credentials are named by environment variable",
    )
    .requiredOption('--config <json>', 'the configuration as JSON, or @file.json (fields in README "ERP connectors")')
    .option('--as <person>', 'who does this (an admin of the warehouse); default: the local operator')
    .option('--json', 'machine-readable output')
    .action((warehouse: string, kind: string, opts: { config: string; as?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const saved = await saveErpConnector(db, await actorOf(db, opts.as), { warehouse, kind, config: await configText(opts.config) });
        return { data: saved, human: (locale) => say(erpTexts.added(erpName(saved.kind, locale), saved.warehouse), locale) };
      }),
    );

  erp
    .command('list')
    .description('the configured connectors (configuration and the environment variables holding credentials)')
    .option('--warehouse <code>', 'only this warehouse')
    .option('--json', 'machine-readable output')
    .action((opts: { warehouse?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const all = await listErpConnectors(db, opts.warehouse ? { warehouse: opts.warehouse } : {});
        return {
          data: all,
          human: (locale) =>
            all.length === 0
              ? say(erpTexts.none(), locale)
              : renderTable(
                  headers(erpTexts.listHeaders(), locale),
                  all.map((c) => [
                    c.warehouse,
                    erpName(c.kind, locale),
                    c.active ? '✓' : '-',
                    shownConfig(c),
                    c.credentialsFrom.join(', ') || null,
                  ]),
                ),
        };
      }),
    );

  erp
    .command('remove <warehouse> <erp>')
    .description('stop syncing the warehouse to this ERP (its sync history stays)')
    .option('--as <person>', 'who does this (an admin of the warehouse); default: the local operator')
    .option('--json', 'machine-readable output')
    .action((warehouse: string, kind: string, opts: { as?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const removed = await removeErpConnector(db, await actorOf(db, opts.as), { warehouse, kind });
        return { data: removed, human: (locale) => say(erpTexts.removed(erpName(removed.kind, locale), removed.warehouse), locale) };
      }),
    );

  erp
    .command('test <warehouse> <erp>')
    .description('log in to the ERP with the stored configuration (U8: write a probe file to the directory)')
    .option('--as <person>', 'who does this (an admin of the warehouse); default: the local operator')
    .option('--json', 'machine-readable output')
    .action((warehouse: string, kindText: string, opts: { as?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const kind = parseErpKind(kindText);
        const result = await testErpConnector(db, await actorOf(db, opts.as), { warehouse, kind });
        if (!result.ok) throw new InvalidInputError(erpTexts.testFailed(ERP_NAMES[kind].en, result.message));
        return { data: result, human: (locale) => say(erpTexts.testPassed(erpName(kind, locale), result.message), locale) };
      }),
    );

  erp
    .command('status')
    .description('per connector: posted documents synced, waiting, failed and not queued, with the latest ERP message')
    .option('--warehouse <code>', 'only this warehouse')
    .option('--json', 'machine-readable output')
    .action((opts: { warehouse?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const rows = await erpStatus(db, opts.warehouse ? { warehouse: opts.warehouse } : {});
        return {
          data: rows,
          human: (locale) =>
            rows.length === 0
              ? say(erpTexts.none(), locale)
              : renderTable(
                  headers(erpTexts.statusHeaders(), locale),
                  rows.map((s) => [s.warehouse, erpName(s.kind, locale), s.pending, s.synced, s.failed, s.notQueued, s.lastError]),
                  [2, 3, 4, 5],
                ),
        };
      }),
    );

  erp
    .command('retry [document]')
    .description('send a posted document to its ERPs again (after fixing what the ERP refused), or --all-failed')
    .option('--erp <erp>', 'only this ERP')
    .option('--all-failed', 'every failed sync (of --warehouse, or of all warehouses)')
    .option('--warehouse <code>', 'with --all-failed: only this warehouse')
    .option('--as <person>', 'who does this (an approver or admin of the warehouse); default: the local operator')
    .option('--json', 'machine-readable output')
    .action((document: string | undefined, opts: { erp?: string; allFailed?: boolean; warehouse?: string; as?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const actor = await actorOf(db, opts.as);
        if (opts.allFailed || !document) {
          const n = await retryFailedSyncs(db, actor, {
            ...(opts.warehouse ? { warehouse: opts.warehouse } : {}),
            ...(opts.erp ? { kind: opts.erp } : {}),
          });
          return { data: { retried: n }, human: (locale) => say(erpTexts.retriedAll(n), locale) };
        }
        const result = await retryDocumentSync(db, actor, { document, ...(opts.erp ? { kind: opts.erp } : {}) });
        return {
          data: result,
          human: (locale) =>
            [
              say(erpTexts.retried(result.retried, result.document), locale),
              ...result.sync.map((s) => say(syncPhrase(s, locale), locale)),
            ].join('\n'),
        };
      }),
    );

  erp
    .command('reconcile')
    .description('posted documents not yet in an ERP (waiting, failed or never queued), per warehouse and connector')
    .option('--warehouse <code>', 'only this warehouse')
    .option('--erp <erp>', 'only this ERP')
    .option('--all', 'also documents posted before the connector was added')
    .option('--json', 'machine-readable output')
    .action((opts: { warehouse?: string; erp?: string; all?: boolean; json?: boolean }) =>
      run(opts, async (db) => {
        const rows = await unsyncedDocuments(db, {
          ...(opts.warehouse ? { warehouse: opts.warehouse } : {}),
          ...(opts.erp ? { kind: parseErpKind(opts.erp) } : {}),
          ...(opts.all ? { includeEarlier: true } : {}),
        });
        return {
          data: rows,
          human: (locale) => {
            if (rows.length === 0) return say(erpTexts.allSynced(), locale);
            const states = say(erpTexts.stateWords(), locale).split('|');
            const label = { pending: states[0], synced: states[1], failed: states[2], notQueued: states[3], sending: states[4] };
            return renderTable(
              headers(erpTexts.reconcileHeaders(), locale),
              rows.map((r) => [
                r.warehouse,
                erpName(r.kind, locale),
                r.document,
                r.postedAt,
                label[r.state] ?? r.state,
                r.attempts,
                r.lastError,
              ]),
              [5],
            );
          },
        };
      }),
    );
}
