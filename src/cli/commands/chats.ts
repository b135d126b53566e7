import type { Command } from 'commander';
import { listChats } from '../../services/chats.ts';
import { listDeliveries, retryDeliveries } from '../../services/outbox.ts';
import { renderTable } from '../format.ts';
import type { CliRunner } from '../main.ts';
import { cliWords } from '../words.ts';

/** `stocktake chats` and `stocktake outbox`: what the bots are bound to, and what has not gone out. */
export function registerChats(program: Command, run: CliRunner): void {
  program
    .command('chats')
    .description('chats the bots know: platform, chat id, bound warehouse and purposes, language')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const rows = await listChats(db);
        return {
          data: rows,
          human: (locale) => {
            const w = cliWords(locale);
            return rows.length
              ? renderTable(
                  w.chats.headers,
                  rows.map((c) => [c.platform, c.chatId, c.warehouse, c.purposes.join(w.join), c.locale, c.boundAt]),
                )
              : w.chats.none;
          },
        };
      }),
    );
  const outbox = program.command('outbox').description('messages and card updates waiting to go out, or failed');
  outbox
    .command('list', { isDefault: true })
    .option('--failed', 'only deliveries that failed for good')
    .option('--pending', 'only deliveries still waiting')
    .option('--json', 'machine-readable output')
    .action((opts: { failed?: boolean; pending?: boolean; json?: boolean }) =>
      run(opts, async (db) => {
        const rows = await listDeliveries(db, opts.failed ? { status: 'failed' } : opts.pending ? { status: 'pending' } : {});
        return {
          data: rows,
          human: (locale) => {
            const w = cliWords(locale).chats;
            return rows.length
              ? renderTable(
                  w.outboxHeaders,
                  rows.map((r) => [r.id, r.platform, r.chatId, r.kind, r.status, r.attempts, r.nextAttemptAt, r.lastError]),
                )
              : w.nothingWaiting;
          },
        };
      }),
    );
  outbox
    .command('retry [ids...]')
    .description('put failed deliveries back in line (all failed ones without ids)')
    .option('--json', 'machine-readable output')
    .action((ids: string[], opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const n = await retryDeliveries(db, ids.length ? ids : 'all');
        return { data: { retried: n }, human: (locale) => cliWords(locale).chats.retried(n) };
      }),
    );
}
