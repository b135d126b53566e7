/** `stocktake audit …`: the chain's verdict, the books' verdict, and the history of a stocktake or document. */
import type { Command } from 'commander';
import { auditTexts } from '../../../cards/i18n/audit.ts';
import { parseLocale, type Locale } from '../../../cards/i18n/index.ts';
import { auditHeadFile, type Config } from '../../config.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { auditHistory } from '../../services/audit.ts';
import { verifyBooks } from '../../services/auditBooks.ts';
import { readAuditHead, type AuditHead } from '../../services/auditHead.ts';
import { verifyAudit } from '../../services/auditVerify.ts';
import { resolveDocument } from '../../services/documents.ts';
import { getStocktake } from '../../services/stocktakes.ts';
import { renderTable } from '../format.ts';
import type { CliRunner } from '../main.ts';
import { cliWords } from '../words.ts';
import { cliTexts } from '../../domain/texts/cli.ts';

/** --lang, else the command line's language (STOCKTAKE_LANG, LANG). */
function lang(text: string | undefined, fallback: Locale): Locale {
  if (text === undefined) return fallback;
  const locale = parseLocale(text);
  if (!locale) throw new InvalidInputError(cliTexts.badLang(text));
  return locale;
}

/** `--head`, else the configured head file; a head that cannot be read is reported, not fatal. */
async function headOf(
  spec: string | undefined,
  config: Config,
): Promise<{ head: AuditHead | null; headProblem: { source: string; reason: string } | null }> {
  const source = spec ?? auditHeadFile(config);
  if (!source) return { head: null, headProblem: null };
  try {
    const head = await readAuditHead(source);
    if (!head && spec !== undefined) return { head: null, headProblem: { source, reason: 'no such file' } };
    return { head, headProblem: null };
  } catch (error) {
    return { head: null, headProblem: { source, reason: error instanceof Error ? error.message : String(error) } };
  }
}

export function registerAudit(program: Command, run: CliRunner): void {
  const audit = program.command('audit').description('the hash-chained audit trail and the books it explains');
  audit
    .command('verify')
    .description(
      'check the chain and its anchors: edited, removed or reordered rows, a removed tail, a re-hashed range, bad checkpoint signatures, a chain behind the published head',
    )
    .option(
      '--head <file|seq:hash>',
      'the published head to compare with: a head file, or <seq>:<hash> from a digest (default: STOCKTAKE_AUDIT_HEAD_FILE or the file beside the PGlite data directory)',
    )
    .option('--lang <en|zh>', 'language of the report (default: STOCKTAKE_LANG or LANG, else en)')
    .option('--json', 'machine-readable output')
    .action((opts: { head?: string; lang?: string; json?: boolean }) =>
      run(
        opts,
        async (db, config, cli) => {
          // --json stays English unless --lang says otherwise.
          const t = auditTexts(lang(opts.lang, opts.json ? 'en' : cli.locale));
          const verdict = await verifyAudit(db, { key: config.STOCKTAKE_AUDIT_KEY ?? null, ...(await headOf(opts.head, config)) });
          const warnings = verdict.warnings.map((w) => `${t.warningLabel}: ${t.warning(w)}`);
          if (!verdict.ok) {
            const messages = verdict.problems.map((p) => t.finding(p));
            throw new InvalidInputError(
              [t.broken(messages.length), ...messages.map((m) => `  ✗ ${m}`), ...warnings.map((w) => `  ${w}`)].join('\n'),
              [],
            );
          }
          return {
            data: {
              ...verdict,
              warnings: verdict.warnings.map((w) => ({ ...w, message: t.warning(w) })),
            },
            human: () => [t.intact(verdict.rows, verdict.lastSeq, verdict.lastHash), ...warnings].join('\n'),
          };
        },
        { seal: false },
      ),
    );
  audit
    .command('books')
    .description('check that on-hand equals the imported book plus movements plus posted ledger entries, line by line')
    .option('--lang <en|zh>', 'language of the report (default: STOCKTAKE_LANG or LANG, else en)')
    .option('--json', 'machine-readable output')
    .action((opts: { lang?: string; json?: boolean }) =>
      run(
        opts,
        async (db, _config, cli) => {
          const t = auditTexts(lang(opts.lang, opts.json ? 'en' : cli.locale));
          const verdict = await verifyBooks(db);
          if (!verdict.ok) {
            const messages = verdict.problems.map((p) => t.finding(p));
            throw new InvalidInputError([t.booksBroken(verdict.differing), ...messages.map((m) => `  ✗ ${m}`)].join('\n'), []);
          }
          return { data: verdict, human: () => t.booksIntact(verdict.lines) };
        },
        { seal: false },
      ),
    );
  audit
    .command('show <ref>')
    .description('the history of a stocktake or a document')
    .option('--json', 'machine-readable output')
    .action((ref: string, opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const filter = /^ST-/i.test(ref)
          ? { stocktakeId: (await getStocktake(db, ref)).id }
          : await resolveDocument(db, ref)
              .then((d) => ({ documentId: d.id }))
              .catch(async () => ({ stocktakeId: (await getStocktake(db, ref)).id }));
        const rows = await auditHistory(db, filter);
        return {
          data: rows,
          human: (locale) =>
            renderTable(
              cliWords(locale).auditHeaders,
              rows.map((r) => [
                r.id,
                r.at.slice(0, 19).replace('T', ' '),
                r.actorIdentity,
                r.action,
                r.entityId,
                JSON.stringify(r.after ?? r.before).slice(0, 100),
              ]),
            ),
        };
      }),
    );
}
