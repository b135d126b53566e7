/**
 * GET /admin/imports and POST /admin/imports/:kind: the item master, a warehouse's book and its movements
 * uploaded as files, answered with the summary the CLI prints (rows imported, the sheet read, columns not
 * read, skipped lines with line and column) in the page's language. The services refuse a file with an
 * invalid line as a whole, in one transaction; the refusal lists every problem. Items need an admin of
 * some warehouse, a book or movements an admin of that warehouse.
 */
import { cliWords } from '../../cli/words.ts';
import { ChooseSheetError, DomainError, InvalidInputError, problemText, type InputProblem } from '../../domain/errors.ts';
import { bufferSource } from '../../files/source.ts';
import { importBook } from '../../services/book.ts';
import type { ImportReport } from '../../services/importResult.ts';
import { importItems } from '../../services/items.ts';
import { importMovements } from '../../services/movements.ts';
import { esc } from '../layout.ts';
import {
  adminPage,
  badNotice,
  checkbox,
  okNotice,
  refusalNotice,
  refusalStatus,
  requireWarehouseAdmin,
  select,
  textInput,
  warehouseOptions,
  type AdminContext,
} from './admin.ts';
import type { PageResult } from './shared.ts';

const KINDS = ['items', 'book', 'movements'] as const;
type Kind = (typeof KINDS)[number];

function forms(p: AdminContext, selected: { kind?: Kind; warehouse?: string } = {}): string {
  const w = p.w.imports;
  const file = `<label>${esc(w.file)}<input type="file" name="file" accept=".csv,.xlsx,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required></label>`;
  const common = `${textInput('sheet', w.sheet, '', 'maxlength="200"')}${checkbox('skipInvalid', w.skipInvalid, false)}`;
  const form = (kind: Kind, title: string, hint: string, extra: string) =>
    `<section class="panel" data-import="${kind}"><h2>${esc(title)}</h2><p class="muted">${esc(hint)}</p>
<form class="filters" method="post" action="/admin/imports/${kind}" enctype="multipart/form-data">${extra}${file}${common}<button class="btn btn--primary">${esc(w.upload)}</button></form></section>`;
  const warehouse = select('warehouse', w.warehouse, warehouseOptions(p), selected.warehouse);
  return `<div class="grid">
${form('items', w.items, w.itemsHint, '')}
${form('book', w.book, w.bookHint, `${warehouse}${checkbox('replace', w.replace, false)}`)}
${form('movements', w.movements, w.movementsHint, warehouse)}
</div>`;
}

function problemTable(p: AdminContext, problems: readonly InputProblem[]): string {
  if (problems.length === 0) return '';
  const w = p.w.imports;
  const rows = problems
    .map(
      (x) =>
        `<tr data-problem-line="${x.line ?? ''}"><td class="num">${x.line ?? ''}</td><td>${esc(x.column ?? '')}</td><td>${esc(problemText(x, p.locale, 'page'))}</td></tr>`,
    )
    .join('');
  return `<div class="table-scroll"><table class="data problems"><thead><tr><th class="num">${esc(w.line)}</th><th>${esc(w.column)}</th><th>${esc(w.problem)}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** The CLI's importSummary, in the page's language. */
function summary(p: AdminContext, kind: Kind, r: ImportReport & { linesCleared?: number }, replace: boolean): string {
  const w = p.w.imports;
  // The summary's words are the CLI's (src/cli/words.ts): one catalogue for what an import says it did.
  const said = cliWords(p.locale);
  const from = r.sheet === null ? r.fileName : said.sheetOf(r.fileName, r.sheet);
  const what = said.importKind[({ items: 'item', book: 'book', movements: 'movement' } as const)[kind]];
  const parts = [okNotice(said.imported(r.rowsAccepted, what, from, r.rowsRead, r.rowsRejected))];
  if (r.ignoredColumns.length > 0)
    parts.push(
      `<p>${esc(w.ignored)}</p><ul class="ignored">${r.ignoredColumns.map((c) => `<li>${esc(c.localized[p.locale])}</li>`).join('')}</ul>`,
    );
  if (replace && r.linesCleared !== undefined) parts.push(`<p>${esc(said.bookCleared(r.linesCleared))}</p>`);
  if (r.problems.length > 0) parts.push(`<p>${esc(said.skippedLines)}</p>${problemTable(p, r.problems)}`);
  return `<div class="import-result" data-result="${kind}">${parts.join('\n')}</div>`;
}

function page(p: AdminContext, top: string, status?: PageResult['status'], selected?: { kind?: Kind; warehouse?: string }): PageResult {
  const w = p.w.imports;
  return {
    title: w.title,
    active: 'admin',
    ...(status ? { status } : {}),
    body: `<h1>${esc(w.title)}</h1>\n${top}\n<p class="muted">${esc(w.hint)}</p>\n${forms(p, selected)}`,
  };
}

export const importsPage = adminPage(async (p) => page(p, ''));

export const importUploadPage = adminPage(async (p) => {
  const kind = p.c.req.param('kind') as Kind;
  if (!KINDS.includes(kind)) return page(p, '', 404);
  const w = p.w.imports;
  const max = p.deps.maxUploadBytes;
  // Refused before it was read (the upload limit in pages/index.ts): the same page, saying so.
  if (p.c.get('uploadTooLarge'))
    return page(p, badNotice(`${p.w.refused} ${w.tooLarge((max / (1024 * 1024)).toFixed(1))}`), 413, { kind, warehouse: '' });
  const body = await p.c.req.parseBody();
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '');
  const warehouse = text('warehouse');
  const selected = { kind, warehouse };
  const file = body.file;
  if (!(file instanceof File) || file.size === 0) return page(p, badNotice(`${p.w.refused} ${w.noFile}`), 400, selected);
  if (file.size > max) return page(p, badNotice(`${p.w.refused} ${w.tooLarge((max / (1024 * 1024)).toFixed(1))}`), 400, selected);
  const source = bufferSource(file.name || 'upload', new Uint8Array(await file.arrayBuffer()));
  const options = { skipInvalid: text('skipInvalid') === '1', ...(text('sheet') ? { sheet: text('sheet') } : {}), by: p.actor };
  const replace = kind === 'book' && text('replace') === '1';
  try {
    let report: ImportReport & { linesCleared?: number };
    if (kind === 'items') {
      report = await importItems(p.deps.db, source, options);
    } else {
      const wh = requireWarehouseAdminCode(p, warehouse);
      report =
        kind === 'book'
          ? await importBook(p.deps.db, wh, source, { ...options, replace })
          : await importMovements(p.deps.db, wh, source, options);
    }
    return page(p, summary(p, kind, report, replace), undefined, selected);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const extra =
      error instanceof ChooseSheetError
        ? `<p>${esc(w.sheets(error.sheets.join(', ')))}</p>`
        : error instanceof InvalidInputError
          ? problemTable(p, error.problems)
          : '';
    return page(
      p,
      `<div class="import-result" data-refused="${kind}">${refusalNotice(p, error)}${extra}</div>`,
      refusalStatus(error),
      selected,
    );
  }
});

/** The warehouse code, refused (403) unless the caller administers it. */
function requireWarehouseAdminCode(p: AdminContext, code: string): string {
  return requireWarehouseAdmin(p, code).code;
}
