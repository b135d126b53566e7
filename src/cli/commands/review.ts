import { groupDigits, localWallClock } from '../../domain/display.ts';
import { resolve } from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Db } from '../../../db/client.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import type { CommandContext } from '../../domain/people.ts';
import { lineLabel } from '../../domain/stocktake.ts';
import { approveDocument, rejectDocument } from '../../services/approvals.ts';
import { listCauses, saveCause } from '../../services/causes.ts';
import { EXPORT_FORMATS, exportPosted, type ExportFormat } from '../../services/export.ts';
import {
  documentLines,
  getDocument,
  listDocuments,
  resolveDocument,
  submitVariances,
  type DocumentSummary,
} from '../../services/documents.ts';
import { addPerson, cliActor, getPerson, grantRole, listPeople, revokeRole, setNotify } from '../../services/people.ts';
import {
  addNote,
  assignOwner,
  confirmVariance,
  listReview,
  reopenVariance,
  requestRecount,
  tagCause,
  type ReviewLine,
} from '../../services/review.ts';
import { policyOf, setPolicy, type Policy } from '../../services/policy.ts';
import { structureTexts } from '../../domain/texts/structure.ts';
import { getStocktake } from '../../services/stocktakes.ts';
import { getWarehouse } from '../../services/warehouses.ts';
import { render, type PhraseLocale } from '../../domain/phrase.ts';
import { displayWidth, localTime, renderTable } from '../format.ts';
import type { CliRunner } from '../main.ts';
import { cliWords } from '../words.ts';
import { cliTexts } from '../../domain/texts/cli.ts';
import { erpTexts, syncPhrase } from '../../domain/texts/erp.ts';
import { documentSync } from '../../services/erp.ts';

export interface ActOptions {
  as?: string;
  key?: string;
  json?: boolean;
}

/** The command context of `--as <person>` (required for every review and approval action). */
export async function contextOf(db: Db, opts: ActOptions): Promise<CommandContext> {
  if (!opts.as) throw new InvalidInputError(cliTexts.sayWhoYouAre());
  return { actor: await cliActor(db, opts.as), ...(opts.key ? { idempotencyKey: opts.key } : {}) };
}

export const withActor = (cmd: Command) =>
  cmd
    .requiredOption('--as <person>', 'who does this (handle or platform:id); roles and segregation of duties apply')
    .option('--key <key>', 'idempotency key: the same key again has no second effect and prints the first result')
    .option('--json', 'machine-readable output');

export function renderLine(l: ReviewLine, locale: PhraseLocale = 'en'): string {
  const w = cliWords(locale).line;
  const parts = [w.state(lineLabel(l), cliWords(locale).states.review[l.reviewStatus]), w.diff(l.diffQty, l.diffValue)];
  if (l.causeCode) parts.push(w.cause(l.causeCode));
  if (l.note) parts.push(w.note(l.note));
  if (l.suggestion) parts.push(w.suggested(l.suggestion.cause, locale === 'en' ? l.suggestion.reason.en : l.suggestion.reason.zh));
  if (l.returnedReason) parts.push(w.returned(l.returnedReason));
  return parts.join(' · ');
}

function renderPolicy(warehouse: string, p: Policy, locale: PhraseLocale = 'en'): string {
  const w = cliWords(locale).policy;
  const tolerance =
    p.toleranceValue === null && p.tolerancePercent === null
      ? w.off
      : [p.toleranceValue !== null ? w.value(p.toleranceValue) : null, p.tolerancePercent !== null ? w.percent(p.tolerancePercent) : null]
          .filter(Boolean)
          .join(w.and);
  return [
    w.title(warehouse),
    w.sla(p.reviewSlaHours, p.approvalSlaHours),
    w.tolerance(tolerance),
    w.route(p.financeThreshold, p.managerThreshold, p.currency),
    ...(p.requireAccountMapping ? [w.accountsRequired] : []),
    render(structureTexts.settings(p.abcAPercent, p.abcBPercent, p.slowDays, p.deadDays), locale, 'cli'),
  ].join('\n');
}

export function renderDocument(d: DocumentSummary, locale: PhraseLocale = 'en'): string {
  const words = cliWords(locale);
  const w = words.document;
  const stepLabel = (status: string) => (words.states.step as Record<string, string>)[status] ?? status;
  // Role names padded to one column, Chinese ones counting two places each.
  const role = (code: string) => {
    const label = words.roles[code] ?? code;
    return locale === 'en' ? label : label + ' '.repeat(Math.max(0, 8 - displayWidth(label)));
  };
  const lines = [
    w.title(d.number, d.kind === 'gain', d.warehouse, d.stocktake, words.states.document[d.status]),
    w.totals(d.lineCount, groupDigits(d.totalQty), groupDigits(d.totalValue), d.currency),
    ...d.route.map(
      (s) =>
        `${w.step(s.stepNo, role(s.role), stepLabel(s.status))}${s.decidedBy ? w.decided(s.decidedBy, localWallClock(s.decidedAt, d.timezone)) : s.dueAt ? w.due(localWallClock(s.dueAt, d.timezone)) : ''}${s.reason ? ` — ${s.reason}` : ''}`,
    ),
    w.times(d.timezone),
  ];
  return lines.join('\n');
}

export function registerReview(program: Command, run: CliRunner, variances: Command): void {
  const people = program.command('people').description('people and their platform identities');
  people
    .command('add <handle>')
    .description('add a person (or rename one) with platform identities')
    .option('--name <name>', 'display name')
    .option('--identity <platform:id...>', 'e.g. telegram:12345 feishu:ou_xxx dingtalk:staffId web:alice')
    .option('--json', 'machine-readable output')
    .action((handle: string, opts: { name?: string; identity?: string[]; json?: boolean }) =>
      run(opts, async (db) => {
        const p = await addPerson(db, { handle, name: opts.name, identities: opts.identity ?? [] });
        return { data: p, human: (locale) => cliWords(locale).person(p.handle, p.name, p.identities.join(cliWords(locale).join)) };
      }),
    );
  people
    .command('notify <handle> [where]')
    .description('how reminders and approval requests reach a person: group (default) or feishu|dingtalk|telegram direct messages')
    .option('--quiet <HH:MM-HH:MM|off>', 'hours (warehouse time) in which direct messages wait, e.g. 22:00-08:00')
    .option('--json', 'machine-readable output')
    .action((handle: string, where: string | undefined, opts: { quiet?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const r = await setNotify(db, handle, {
          ...(where ? { notify: where } : {}),
          ...(opts.quiet !== undefined ? { quietHours: opts.quiet } : {}),
        });
        return {
          data: r,
          human: (locale) => {
            const w = cliWords(locale);
            return w.notified(r.handle, r.notify === 'group' ? w.notifyGroup : w.notifyDirect(r.notify), r.quietHours);
          },
        };
      }),
    );
  people
    .command('list')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const rows = await listPeople(db);
        return {
          data: rows,
          human: (locale) => {
            const w = cliWords(locale);
            return renderTable(
              w.peopleHeaders,
              rows.map((p) => [
                p.handle,
                p.name,
                p.identities.join(' '),
                // warehouse:role, the role named in the reader's language
                p.roles.map((r) => r.replace(/:(\w+)$/, (m, role: string) => (w.roles[role] ? `:${w.roles[role]}` : m))).join(' '),
                w.notifyWay(p.notify) + (p.quietHours ? w.quiet(p.quietHours) : ''),
              ]),
            );
          },
        };
      }),
    );

  const roles = program.command('roles').description('roles per warehouse: counter, supervisor, finance, manager, admin');
  for (const verb of ['grant', 'revoke'] as const) {
    roles
      .command(`${verb} <person> <role> <warehouse>`)
      .option('--json', 'machine-readable output')
      .action((person: string, role: string, warehouse: string, opts: { json?: boolean }) =>
        run(opts, async (db) => {
          const r = verb === 'grant' ? await grantRole(db, person, role, warehouse) : await revokeRole(db, person, role, warehouse);
          return {
            data: r,
            human: (locale) => {
              const w = cliWords(locale);
              return (verb === 'grant' ? w.granted : w.revoked)(r.person, w.roles[r.role] ?? r.role, r.warehouse);
            },
          };
        }),
      );
  }

  const policy = program.command('policy').description("a warehouse's review and approval policy");
  policy
    .command('show <warehouse>')
    .option('--json', 'machine-readable output')
    .action((warehouse: string, opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const p = await policyOf(db, (await getWarehouse(db, warehouse)).id);
        return { data: p, human: (locale) => renderPolicy(warehouse, p, locale) };
      }),
    );
  policy
    .command('set <warehouse>')
    .option('--review-sla <hours>', 'hours an owner has to review a variance (default 24)')
    .option('--approval-sla <hours>', 'hours an approver has per step (default 24)')
    .option('--tolerance-value <amount|off>', 'auto-confirm variances worth at most this much (with --tolerance-percent: both must hold)')
    .option('--tolerance-percent <percent|off>', 'auto-confirm variances of at most this share of the expected quantity')
    .option('--finance-threshold <amount>', 'documents above this value need finance (default 1000)')
    .option('--manager-threshold <amount>', 'documents above this value also need the manager (default 10000)')
    .option('--currency <code>', 'ISO currency, default CNY')
    .option(
      '--require-account-mapping <on|off>',
      'on: submit refuses causes without an account in this warehouse (stocktake causes account set)',
    )
    .option('--abc-a <percent>', 'stock structure: class A is the first this share of consumption value (default 80)')
    .option('--abc-b <percent>', 'stock structure: class B is the next this share (default 15; C the rest)')
    .option('--slow-days <days>', 'stock structure: an item with stock and no issue for this many days is a slow mover (default 90)')
    .option('--dead-days <days>', 'stock structure: … and dead stock after this many days (default 180)')
    .option('--json', 'machine-readable output')
    .action((warehouse: string, opts: Record<string, string | undefined> & { json?: boolean }) =>
      run(opts, async (db) => {
        const hours = (v?: string) => (v === undefined ? undefined : Number(v));
        const p = await setPolicy(db, warehouse, {
          reviewSlaHours: hours(opts.reviewSla),
          approvalSlaHours: hours(opts.approvalSla),
          toleranceValue: opts.toleranceValue,
          tolerancePercent: opts.tolerancePercent,
          financeThreshold: opts.financeThreshold,
          managerThreshold: opts.managerThreshold,
          currency: opts.currency,
          requireAccountMapping:
            opts.requireAccountMapping === undefined
              ? undefined
              : ((opts.requireAccountMapping === 'on'
                  ? true
                  : opts.requireAccountMapping === 'off'
                    ? false
                    : opts.requireAccountMapping) as boolean),
          abcAPercent: opts.abcA,
          abcBPercent: opts.abcB,
          slowDays: hours(opts.slowDays),
          deadDays: hours(opts.deadDays),
        });
        return { data: p, human: (locale) => renderPolicy(warehouse, p, locale) };
      }),
    );

  const causes = program.command('causes').description('the cause catalogue');
  causes
    .command('list')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const rows = await listCauses(db);
        return {
          data: rows,
          human: (locale) => {
            const w = cliWords(locale);
            return renderTable(
              w.causeHeaders,
              rows.map((c) => [
                c.code,
                c.labelZh,
                c.labelEn,
                w.appliesTo[c.appliesTo] ?? c.appliesTo,
                c.noteRequired ? w.required : '',
                c.active ? w.yes : w.no,
              ]),
            );
          },
        };
      }),
    );
  causes
    .command('set <code>')
    .description('add or edit a cause (admins)')
    .requiredOption('--zh <label>', 'Chinese label')
    .requiredOption('--en <label>', 'English label')
    .requiredOption('--applies-to <direction>', 'gain, loss or both')
    .option('--note-required', 'whoever picks it must add a note')
    .option('--inactive', 'hide it from new tags')
    .requiredOption('--as <person>', 'an admin')
    .option('--json', 'machine-readable output')
    .action(
      (
        code: string,
        opts: { zh: string; en: string; appliesTo: string; noteRequired?: boolean; inactive?: boolean; as: string; json?: boolean },
      ) =>
        run(opts, async (db) => {
          const ctx = await contextOf(db, opts);
          const c = await saveCause(db, ctx, {
            code,
            labelZh: opts.zh,
            labelEn: opts.en,
            appliesTo: opts.appliesTo as 'gain',
            noteRequired: opts.noteRequired,
            active: !opts.inactive,
          });
          return {
            data: c,
            human: (locale) => {
              const w = cliWords(locale);
              return w.cause(c.code, c.labelZh, c.labelEn, w.appliesTo[c.appliesTo] ?? c.appliesTo, c.noteRequired);
            },
          };
        }),
    );

  program
    .command('review <stocktake>')
    .description('variances under review: status, owner, due, cause, suggestion')
    .option('--json', 'machine-readable output')
    .action((stocktake: string, opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const rows = await listReview(db, stocktake);
        const { timezone } = await getStocktake(db, stocktake);
        const handles = new Map<string, string>();
        for (const id of new Set(rows.flatMap((r) => [r.ownerId, r.recountBy].filter((x): x is string => x !== null))))
          handles.set(id, (await getPerson(db, id)).handle);
        return {
          data: rows,
          human: (locale) => {
            const w = cliWords(locale);
            return renderTable(
              w.reviewHeaders(timezone),
              rows.map((r) => [
                lineLabel(r),
                r.diffQty,
                r.diffValue,
                w.states.review[r.reviewStatus] +
                  (r.autoConfirmed ? w.auto : '') +
                  (r.recountBy ? w.recountBy(handles.get(r.recountBy)!) : ''),
                r.ownerId ? (handles.get(r.ownerId) ?? '?') : '-',
                r.dueAt ? localTime(r.dueAt, timezone).replace(` (${timezone})`, '') : '-',
                r.causeCode,
                r.suggestion?.cause ?? null,
                r.returnedReason ?? (locale === 'en' ? r.suggestion?.reason.en : r.suggestion?.reason.zh) ?? null,
              ]),
              [1, 2],
            );
          },
        };
      }),
    );

  const lineAction = (
    name: string,
    description: string,
    args: string,
    act: (
      db: Db,
      ctx: CommandContext,
      stocktake: string,
      line: string,
      rest: string[],
      opts: Record<string, string | undefined>,
    ) => Promise<ReviewLine>,
    extra?: (cmd: Command) => Command,
  ) => {
    let cmd = variances
      .command(`${name} <stocktake> <line> ${args}`.trim())
      .description(`${description} (line: SKU, SKU@LOCATION or SKU@LOCATION#LOT)`);
    cmd = withActor(extra ? extra(cmd) : cmd);
    cmd.action((stocktake: string, line: string, ...rest: unknown[]) => {
      const command = rest[rest.length - 1] as Command;
      const opts = command.opts() as ActOptions & Record<string, string | undefined>;
      const positional = rest.slice(0, -2) as string[];
      return run(opts, async (db) => {
        const result = await act(db, await contextOf(db, opts), stocktake, line, positional, opts);
        return { data: result, human: (locale) => renderLine(result, locale) };
      });
    });
  };
  lineAction('confirm', 'the owner stands by the count', '', (db, ctx, stocktake, line) => confirmVariance(db, ctx, { stocktake, line }));
  lineAction(
    'tag',
    'tag the cause of a variance',
    '<cause>',
    (db, ctx, stocktake, line, [cause], opts) => tagCause(db, ctx, { stocktake, line, cause: cause!, note: opts.note }),
    (c) => c.option('--note <text>', 'a note (required by some causes)'),
  );
  lineAction('note', 'add a note', '<text>', (db, ctx, stocktake, line, [text]) => addNote(db, ctx, { stocktake, line, note: text! }));
  lineAction(
    'recount',
    'send the line back to counting for a person',
    '',
    (db, ctx, stocktake, line, _rest, opts) => requestRecount(db, ctx, { stocktake, line, recounter: opts.by! }),
    (c) => c.requiredOption('--by <person>', 'who recounts'),
  );
  lineAction('assign', 'give the line another owner', '<owner>', (db, ctx, stocktake, line, [owner]) =>
    assignOwner(db, ctx, { stocktake, line, owner: owner! }),
  );
  lineAction(
    'reopen',
    'undo a review: a confirmed line not yet on a document goes back to open review (撤销确认)',
    '',
    (db, ctx, stocktake, line, _rest, opts) => reopenVariance(db, ctx, { stocktake, line, reason: opts.reason }),
    (c) => c.requiredOption('--reason <text>', 'why (shown on the line and kept in the audit trail)'),
  );

  withActor(
    program
      .command('submit <stocktake> [lines...]')
      .description('turn explained variances (all, or the lines named) into gain/loss documents'),
  ).action((stocktake: string, lines: string[], opts: ActOptions) =>
    run(opts, async (db) => {
      const result = await submitVariances(db, await contextOf(db, opts), { stocktake, lines });
      return {
        data: result,
        human: (locale) => {
          const w = cliWords(locale);
          return [
            result.documents.length === 0 ? w.nothingToSubmit : result.documents.map((d) => renderDocument(d, locale)).join('\n'),
            result.alreadyDocumented.length ? w.alreadyDocumented(result.alreadyDocumented.join(w.join)) : '',
            result.notReady ? w.notReady(result.notReady) : '',
          ]
            .filter(Boolean)
            .join('\n');
        },
      };
    }),
  );

  withActor(
    program
      .command('approve <document>')
      .description('approve the pending step of a document; the last approval posts it')
      .option('--step <n>', 'the step you are deciding (refused as stale if it has moved on)'),
  ).action((document: string, opts: ActOptions & { step?: string }) =>
    run(opts, async (db) => {
      const doc = await approveDocument(db, await contextOf(db, opts), { document, ...(opts.step ? { step: Number(opts.step) } : {}) });
      return { data: doc, human: (locale) => renderDocument(doc, locale) };
    }),
  );
  withActor(
    program
      .command('reject <document>')
      .description('reject the pending step; the lines go back to review with the reason')
      .requiredOption('--reason <text>', 'why (shown on the returned lines)')
      .option('--step <n>', 'the step you are deciding'),
  ).action((document: string, opts: ActOptions & { step?: string; reason: string }) =>
    run(opts, async (db) => {
      const doc = await rejectDocument(db, await contextOf(db, opts), {
        document,
        reason: opts.reason,
        ...(opts.step ? { step: Number(opts.step) } : {}),
      });
      return { data: doc, human: (locale) => renderDocument(doc, locale) };
    }),
  );

  const documents = program.command('documents').description('gain/loss documents');
  documents
    .command('list')
    .option('--stocktake <stocktake>', 'only this stocktake')
    .option('--json', 'machine-readable output')
    .action((opts: { stocktake?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const docs = await listDocuments(db, { stocktake: opts.stocktake });
        return {
          data: docs,
          human: (locale) => {
            const w = cliWords(locale);
            return renderTable(
              w.documentHeaders,
              docs.map((d) => {
                const pending = d.route.find((s) => s.status === 'pending')?.role ?? null;
                return [
                  d.number,
                  w.documentKind[d.kind] ?? d.kind,
                  d.warehouse,
                  d.stocktake,
                  w.states.document[d.status],
                  d.lineCount,
                  groupDigits(d.totalValue),
                  pending === null ? null : (w.roles[pending] ?? pending),
                ];
              }),
              [5, 6],
            );
          },
        };
      }),
    );
  documents
    .command('show <document>')
    .option('--json', 'machine-readable output')
    .action((ref: string, opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const doc = await getDocument(db, ref);
        const lines = await documentLines(db, doc.id);
        const erpSync = await documentSync(db, doc.id);
        return {
          data: { ...doc, lines, erpSync },
          human: (locale) =>
            [
              renderDocument(doc, locale),
              renderTable(
                cliWords(locale).documentLineHeaders,
                lines.map((l) => [
                  l.lineNo,
                  l.sku,
                  (l.location || '-') + (l.lot ? ` #${l.lot}` : ''),
                  l.qty,
                  l.unitCost,
                  l.value,
                  `${l.causeCode} ${l.causeLabelZh ?? ''}`,
                  l.note,
                ]),
                [0, 3, 4, 5],
              ),
              // Sync with the warehouse's ERPs (README "ERP connectors"): synced with their number, or their message.
              ...(erpSync.length
                ? [
                    [
                      `${render(erpTexts.syncHeading(), locale, 'cli')}${locale === 'en' ? ':' : '：'}`,
                      ...erpSync.map((s) => `  ${render(syncPhrase(s, locale), locale, 'cli')}`),
                    ].join('\n'),
                  ]
                : []),
            ].join('\n\n'),
        };
      }),
    );

  program
    .command('export <ref>')
    .description('posted documents of a stocktake, or one document, for the ERP: CSV (UTF-8 with BOM), XLSX or JSON')
    .requiredOption('--format <format>', 'csv, xlsx or json')
    .option('--out <file>', 'where to write it (default: a file named after the stocktake or document; "-" for stdout)')
    .option('--json', 'machine-readable summary')
    .action((ref: string, opts: { format: string; out?: string; json?: boolean }) =>
      run(opts, async (db) => {
        if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format))
          throw new InvalidInputError(cliTexts.badFormat(opts.format, EXPORT_FORMATS.join(', ')));
        const result = await exportPosted(db, ref, opts.format as ExportFormat);
        if (opts.out === '-') {
          if (opts.format === 'xlsx') throw new InvalidInputError(cliTexts.xlsxToStdout());
          return {
            data: typeof result.body === 'string' ? JSON.parse(result.body) : result.body.toString('utf8'),
            human: () => (typeof result.body === 'string' ? result.body : result.body.toString('utf8')),
          };
        }
        // Said in full: a file written where the command happened to run is otherwise hard to find.
        const path = resolve(opts.out ?? result.fileName);
        await writeFile(path, result.body);
        return {
          data: { file: path, rows: result.rows, contentType: result.contentType },
          human: (locale) => cliWords(locale).exported(result.rows, path, opts.out === undefined),
        };
      }),
    );
}
