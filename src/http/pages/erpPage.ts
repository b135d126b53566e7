/**
 * GET /admin/erp: the ERP connectors of the warehouses the caller administers (configuration, credentials'
 * variables, sync counts, the latest ERP message), a form to add or replace one, test and remove buttons,
 * and the reconciliation: posted documents not in the ERP, each with a retry button. POST
 * /documents/:document/erp-retry is the retry button of a document (here and on the stocktake page).
 */
import { DomainError } from '../../domain/errors.ts';
import { render, type Phrase } from '../../domain/phrase.ts';
import { ERP_NAMES, erpTexts, syncPhrase } from '../../domain/texts/erp.ts';
import {
  ERP_KINDS,
  erpStatus,
  listErpConnectors,
  removeErpConnector,
  retryDocumentSync,
  saveErpConnector,
  testErpConnector,
  unsyncedDocuments,
  type DocumentSync,
} from '../../services/erp.ts';
import { esc } from '../layout.ts';
import {
  adminPage,
  badNotice,
  formFields,
  okNotice,
  refusalNotice,
  refusalStatus,
  requireWarehouseAdmin,
  select,
  warehouseOptions,
  type AdminContext,
} from './admin.ts';
import { badge, localTime, localizedMessage, messagePage, queryString, type PageContext, type PageResult } from './shared.ts';

const say = (p: Pick<PageContext, 'locale'>, phrase: Phrase) => render(phrase, p.locale, 'page');
const erpName = (p: Pick<PageContext, 'locale'>, kind: keyof typeof ERP_NAMES) =>
  p.locale === 'en' ? ERP_NAMES[kind].en : ERP_NAMES[kind].zh;

const TONE: Record<DocumentSync['state'], 'ok' | 'warn' | 'bad' | 'muted'> = {
  synced: 'ok',
  pending: 'warn',
  sending: 'warn',
  failed: 'bad',
  notQueued: 'muted',
};

/** The retry button of a document; `back` is where to return. */
export function retryButton(p: Pick<PageContext, 'locale'>, document: string, back: string): string {
  return `<form method="post" action="/documents/${encodeURIComponent(document)}/erp-retry" class="inline"><input type="hidden" name="back" value="${esc(back)}"><button class="btn">${esc(say(p, erpTexts.retryButton()))}</button></form>`;
}

/** A document's sync with each ERP, as the stocktake page's document section shows it. */
export function syncHtml(p: Pick<PageContext, 'locale'>, document: string, sync: DocumentSync[], back: string): string {
  if (sync.length === 0) return '';
  const items = sync
    .map((s) => `<li data-erp="${s.kind}" data-state="${s.state}">${badge(say(p, syncPhrase(s, p.locale)), TONE[s.state])}</li>`)
    .join('');
  const retry = sync.some((s) => s.state !== 'synced') ? retryButton(p, document, back) : '';
  return `<div class="erp-sync"><strong>${esc(say(p, erpTexts.syncHeading()))}</strong><ul class="plain">${items}</ul>${retry}</div>`;
}

async function renderPage(
  p: AdminContext,
  flash: string,
  status?: PageResult['status'],
  entered?: Record<string, string>,
): Promise<PageResult> {
  const mine = new Set(p.adminOf.map((a) => a.code));
  const db = p.deps.db;
  const connectors = (await listErpConnectors(db)).filter((c) => mine.has(c.warehouse));
  const counts = new Map((await erpStatus(db)).map((s) => [`${s.warehouse}/${s.kind}`, s]));
  const unsynced = (await unsyncedDocuments(db)).filter((u) => mine.has(u.warehouse));
  const title = say(p, erpTexts.pageTitle());
  const rows = connectors
    .map((c) => {
      const s = counts.get(`${c.warehouse}/${c.kind}`);
      const hidden = `<input type="hidden" name="warehouse" value="${esc(c.warehouse)}"><input type="hidden" name="erp" value="${c.kind}">`;
      return `<tr data-connector="${esc(c.warehouse)}/${c.kind}"><td>${esc(c.warehouse)}</td><td>${esc(erpName(p, c.kind))}</td>
<td><pre>${esc(JSON.stringify(c.config, null, 2))}</pre></td><td>${esc(c.credentialsFrom.join(', '))}</td>
<td>${s ? esc(say(p, erpTexts.statusLine(s.pending, s.synced, s.failed, s.notQueued))) : ''}${s?.lastError ? `<br><span class="muted">${esc(say(p, erpTexts.lastErrorLabel()))}: ${esc(s.lastError)}</span>` : ''}</td>
<td><form method="post" action="/admin/erp/test" class="inline">${hidden}<button class="btn">${esc(say(p, erpTexts.testButton()))}</button></form>
<form method="post" action="/admin/erp/remove" class="inline">${hidden}<button class="btn">${esc(say(p, erpTexts.removeButton()))}</button></form></td></tr>`;
    })
    .join('\n');
  const [hWarehouse, hErp, hConfig, hCredentials] = say(p, erpTexts.listHeaders()).split('|');
  const table = connectors.length
    ? `<div class="table-scroll"><table class="data"><thead><tr><th>${esc(hWarehouse!)}</th><th>${esc(hErp!)}</th><th>${esc(hConfig!)}</th><th>${esc(hCredentials!)}</th><th></th><th></th></tr></thead><tbody>${rows}</tbody></table></div>`
    : `<p class="muted">${esc(say(p, erpTexts.none()))}</p>`;
  const form = `<form method="post" action="/admin/erp" class="filters">
${select('warehouse', say(p, erpTexts.warehouseLabel()), warehouseOptions(p), entered?.warehouse)}
${select(
  'erp',
  say(p, erpTexts.kindLabel()),
  ERP_KINDS.map((k) => [k, erpName(p, k)] as const),
  entered?.erp,
)}
<label class="wide">${esc(say(p, erpTexts.configLabel()))}<textarea name="config" rows="8" required>${esc(entered?.config ?? '')}</textarea></label>
<button class="btn btn--primary">${esc(say(p, erpTexts.saveButton()))}</button></form>`;
  const [, , uDocument, uPosted, uStatus] = say(p, erpTexts.reconcileHeaders()).split('|');
  const unsyncedRows = unsynced
    .map(
      (
        u,
      ) => `<tr data-document="${esc(u.document)}" data-erp="${u.kind}"><td>${esc(u.warehouse)}</td><td>${esc(u.document)}</td><td>${esc(localTime(u.postedAt, 'UTC'))}</td>
<td>${badge(say(p, syncPhrase(u, p.locale)), TONE[u.state])}</td><td>${retryButton(p, u.documentId, '/admin/erp')}</td></tr>`,
    )
    .join('\n');
  const reconciliation = unsynced.length
    ? `<div class="table-scroll"><table class="data"><thead><tr><th>${esc(hWarehouse!)}</th><th>${esc(uDocument!)}</th><th>${esc(uPosted!)} (UTC)</th><th>${esc(uStatus!)}</th><th></th></tr></thead><tbody>${unsyncedRows}</tbody></table></div>`
    : `<p class="muted">${esc(say(p, erpTexts.allSynced()))}</p>`;
  return {
    title,
    active: 'admin',
    ...(status ? { status } : {}),
    body: `<h1>${esc(title)}</h1>\n${flash}\n<p class="muted">${esc(say(p, erpTexts.pageHint()))}</p>
<h2>${esc(say(p, erpTexts.connectorsHeading()))}</h2>\n${table}
<h2>${esc(say(p, erpTexts.unsyncedHeading()))}</h2>\n${reconciliation}
<h2>${esc(say(p, erpTexts.addHeading()))}</h2>\n${form}`,
  };
}

const FLASH: Record<string, (p: AdminContext, q: Record<string, string>) => Phrase> = {
  saved: (p, q) => erpTexts.added(erpName(p, q.erp as never), q.warehouse ?? ''),
  removed: (p, q) => erpTexts.removed(erpName(p, q.erp as never), q.warehouse ?? ''),
  retried: (_p, q) => erpTexts.retried(Number(q.n ?? 0), q.document ?? ''),
};

export const erpPage = adminPage(async (p) => {
  const q = p.c.req.query();
  const known = q.done && FLASH[q.done] && (!q.erp || (ERP_KINDS as readonly string[]).includes(q.erp));
  return renderPage(p, known ? okNotice(say(p, FLASH[q.done!]!(p, q))) : '');
});

const back = (p: AdminContext, params: Record<string, string>) =>
  p.c.redirect(`/admin/erp${queryString({ ...params, lang: p.c.req.query('lang') })}`, 303);

export const saveErpPage = adminPage(async (p) => {
  const form = await formFields(p);
  try {
    requireWarehouseAdmin(p, form.warehouse ?? '');
    const saved = await saveErpConnector(p.deps.db, p.actor, {
      warehouse: form.warehouse ?? '',
      kind: form.erp ?? '',
      config: form.config ?? '',
    });
    return back(p, { done: 'saved', warehouse: saved.warehouse, erp: saved.kind });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return renderPage(p, refusalNotice(p, error), refusalStatus(error), form);
  }
});

export const removeErpPage = adminPage(async (p) => {
  const form = await formFields(p);
  try {
    requireWarehouseAdmin(p, form.warehouse ?? '');
    const removed = await removeErpConnector(p.deps.db, p.actor, { warehouse: form.warehouse ?? '', kind: form.erp ?? '' });
    return back(p, { done: 'removed', warehouse: removed.warehouse, erp: removed.kind });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return renderPage(p, refusalNotice(p, error), refusalStatus(error));
  }
});

export const testErpPage = adminPage(async (p) => {
  const form = await formFields(p);
  try {
    requireWarehouseAdmin(p, form.warehouse ?? '');
    const result = await testErpConnector(p.deps.db, p.actor, { warehouse: form.warehouse ?? '', kind: form.erp ?? '' });
    const name = erpName(p, form.erp as never);
    return renderPage(
      p,
      result.ok
        ? okNotice(say(p, erpTexts.testPassed(name, result.message)))
        : badNotice(say(p, erpTexts.testFailed(name, result.message))),
    );
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return renderPage(p, refusalNotice(p, error), refusalStatus(error));
  }
});

/** POST /documents/:document/erp-retry: an approver's or admin's retry; back to the page the button was on. */
export async function retryErpPage(p: PageContext): Promise<PageResult | Response> {
  const form = (await p.c.req.parseBody()) as Record<string, string>;
  try {
    const result = await retryDocumentSync(p.deps.db, p.actor, { document: p.c.req.param('document') ?? '' });
    const target = typeof form.back === 'string' && form.back.startsWith('/') && !form.back.startsWith('//') ? form.back : '/stocktakes';
    const url = new URL(target, 'http://local');
    url.searchParams.set('done', 'retried');
    url.searchParams.set('document', result.document);
    url.searchParams.set('n', String(result.retried));
    return p.c.redirect(`${url.pathname}${url.search}`, 303);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const title = say(p, erpTexts.syncHeading());
    return { title, active: 'stocktakes', status: refusalStatus(error), body: messagePage(p, title, localizedMessage(p, error)) };
  }
}
