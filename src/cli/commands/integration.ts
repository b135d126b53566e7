import type { Command } from 'commander';
import type { DeliveryStatus, DeliveryTargetKind } from '../../integration/delivery.ts';
import { listCauseAccounts, removeCauseAccount, setCauseAccount } from '../../services/causeAccounts.ts';
import {
  addWebhook,
  listDeliveries,
  listWebhooks,
  removeWebhook,
  retryFailedDeliveries,
  rotateWebhookSecret,
  testWebhook,
  type WebhookView,
} from '../../services/webhooks.ts';
import { renderTable } from '../format.ts';
import type { CliRunner } from '../main.ts';
import { cliWords } from '../words.ts';
import { contextOf } from './review.ts';

const adminOptions = (cmd: Command) =>
  cmd
    .requiredOption('--as <person>', 'an admin of the warehouse')
    .option('--key <key>', 'idempotency key: the same key again has no second effect and prints the first result')
    .option('--json', 'machine-readable output');

function webhookTable(rows: WebhookView[], locale: 'en' | 'zh-CN'): string {
  const w = cliWords(locale);
  if (rows.length === 0) return w.integration.noWebhooks;
  return renderTable(
    w.integration.webhookHeaders,
    rows.map((r) => [
      r.id,
      r.warehouse ?? w.integration.allWarehouses,
      r.url,
      r.eventTypes.length ? r.eventTypes.join(' ') : w.integration.allEvents,
      r.active ? w.yes : w.no,
      r.pendingDeliveries,
      r.failedDeliveries,
      r.previousSecretUntil,
      r.description,
    ]),
  );
}

/** `stocktake webhooks …` (subscriptions and deliveries) and `stocktake causes account …` (cause → account). */
export function registerIntegration(program: Command, run: CliRunner): void {
  const webhooks = program.command('webhooks').description('webhook subscriptions (Standard Webhooks) and integration deliveries; admins');
  adminOptions(
    webhooks
      .command('add <url>')
      .description('subscribe a URL to integration events; prints the signing secret once')
      .option('--warehouse <code>', 'only this warehouse (default: every warehouse; needs an admin of each)')
      .option(
        '--events <types...>',
        'document.created document.posted document.rejected document.cancelled stocktake.closed (default: all)',
      )
      .option('--description <text>', 'what the receiver is'),
  ).action((url: string, opts: { warehouse?: string; events?: string[]; description?: string; as: string; key?: string; json?: boolean }) =>
    run(opts, async (db) => {
      const ctx = await contextOf(db, opts);
      const added = await addWebhook(db, ctx, {
        url,
        warehouse: opts.warehouse ?? null,
        events: opts.events,
        description: opts.description,
      });
      return {
        data: added,
        human: (locale) => {
          const w = cliWords(locale).integration;
          return [w.added(added.webhook.id, added.webhook.url), w.secretOnce(added.secret)].join('\n');
        },
      };
    }),
  );
  webhooks
    .command('list', { isDefault: true })
    .option('--all', 'removed ones too')
    .option('--json', 'machine-readable output')
    .action((opts: { all?: boolean; json?: boolean }) =>
      run(opts, async (db) => {
        const rows = await listWebhooks(db, { all: opts.all });
        return { data: rows, human: (locale) => webhookTable(rows, locale) };
      }),
    );
  adminOptions(
    webhooks
      .command('rotate <id>')
      .description('a new signing secret (printed once); the previous one keeps signing for the grace period')
      .option('--grace-hours <hours>', 'how long the previous secret also signs (default 24; 0: stop at once)'),
  ).action((id: string, opts: { graceHours?: string; as: string; key?: string; json?: boolean }) =>
    run(opts, async (db) => {
      const ctx = await contextOf(db, opts);
      const rotated = await rotateWebhookSecret(db, ctx, {
        id,
        ...(opts.graceHours !== undefined ? { graceHours: Number(opts.graceHours) } : {}),
      });
      return {
        data: rotated,
        human: (locale) => {
          const w = cliWords(locale).integration;
          return [w.rotated(rotated.webhook.id, rotated.previousSecretUntil), w.secretOnce(rotated.secret)].join('\n');
        },
      };
    }),
  );
  adminOptions(webhooks.command('remove <id>').description('stop a subscription (kept for its history)')).action(
    (id: string, opts: { as: string; key?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const ctx = await contextOf(db, opts);
        const removed = await removeWebhook(db, ctx, { id });
        return { data: removed, human: (locale) => cliWords(locale).integration.removed(removed.id) };
      }),
  );
  adminOptions(webhooks.command('test <id>').description('send a signed webhook.test event now and show the answer')).action(
    (id: string, opts: { as: string; json?: boolean }) =>
      run(opts, async (db) => {
        const ctx = await contextOf(db, opts);
        const result = await testWebhook(db, ctx, { id });
        const w = (locale: 'en' | 'zh-CN') => cliWords(locale).integration;
        return {
          data: result,
          human: (locale) => (result.ok ? w(locale).testOk(result.status!, result.eventId) : w(locale).testFailed(result.error ?? '')),
        };
      }),
  );
  webhooks
    .command('deliveries')
    .description('integration deliveries, newest first (webhooks and ERP connectors)')
    .option('--status <status>', 'pending, sending, delivered or failed')
    .option('--webhook <id>', "only this webhook's")
    .option('--target <target>', 'webhook or erp')
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--json', 'machine-readable output')
    .action((opts: { status?: string; webhook?: string; target?: string; limit?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const rows = await listDeliveries(db, {
          ...(opts.status ? { status: opts.status as DeliveryStatus } : {}),
          ...(opts.webhook ? { webhook: opts.webhook } : {}),
          ...(opts.target ? { target: opts.target as DeliveryTargetKind } : {}),
          ...(opts.limit ? { limit: Number(opts.limit) } : {}),
        });
        return {
          data: rows,
          human: (locale) => {
            const w = cliWords(locale).integration;
            return rows.length
              ? renderTable(
                  w.deliveryHeaders,
                  rows.map((r) => [r.id, r.type, r.subject, r.target, r.status, r.attempts, r.nextAttemptAt, r.externalRef, r.lastError]),
                )
              : w.noDeliveries;
          },
        };
      }),
    );
  adminOptions(
    webhooks.command('retry <ids...>').description('put failed deliveries back in line (ids from `webhooks deliveries`)'),
  ).action((ids: string[], opts: { as: string; key?: string; json?: boolean }) =>
    run(opts, async (db) => {
      const ctx = await contextOf(db, opts);
      const result = await retryFailedDeliveries(db, ctx, { ids });
      return { data: result, human: (locale) => cliWords(locale).integration.retried(result.retried.join(', ')) };
    }),
  );

  const causes = program.commands.find((c) => c.name() === 'causes') ?? program.command('causes');
  const account = causes.command('account').description('the accounting account each cause books to, per warehouse');
  account
    .command('list [warehouse]')
    .option('--json', 'machine-readable output')
    .action((warehouse: string | undefined, opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const rows = await listCauseAccounts(db, warehouse);
        return {
          data: rows,
          human: (locale) => {
            const w = cliWords(locale).integration;
            return rows.length
              ? renderTable(
                  w.accountHeaders,
                  rows.map((r) => [r.warehouse, r.causeCode, locale === 'en' ? r.labelEn : r.labelZh, r.account, r.costCentre]),
                )
              : w.noAccounts;
          },
        };
      }),
    );
  adminOptions(
    account
      .command('set <warehouse> <cause> <account>')
      .description('map a cause to an account (and cost centre) in a warehouse')
      .option('--cost-centre <code>', 'the cost centre'),
  ).action((warehouse: string, cause: string, acct: string, opts: { costCentre?: string; as: string; key?: string; json?: boolean }) =>
    run(opts, async (db) => {
      const ctx = await contextOf(db, opts);
      const row = await setCauseAccount(db, ctx, { warehouse, cause, account: acct, costCentre: opts.costCentre ?? null });
      return {
        data: row,
        human: (locale) => cliWords(locale).integration.accountSet(row.warehouse, row.causeCode, row.account, row.costCentre),
      };
    }),
  );
  adminOptions(account.command('remove <warehouse> <cause>').description("remove a cause's account in a warehouse")).action(
    (warehouse: string, cause: string, opts: { as: string; key?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const ctx = await contextOf(db, opts);
        const row = await removeCauseAccount(db, ctx, { warehouse, cause });
        return { data: row, human: (locale) => cliWords(locale).integration.accountRemoved(row.warehouse, row.causeCode) };
      }),
  );
}
