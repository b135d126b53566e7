/**
 * GET /admin/causes and POST /admin/causes: the cause catalogue, one small form per cause (labels in both
 * languages, gain/loss/both, note required, active) and one to add a cause. saveCause checks the admin
 * role, validates and audits; a refusal shows the page again with the reason.
 */
import { z } from 'zod';
import type { CauseDirection } from '../../domain/causes.ts';
import { DomainError } from '../../domain/errors.ts';
import { listCauseAccounts, removeCauseAccount, setCauseAccount } from '../../services/causeAccounts.ts';
import { listCauses, saveCause, type Cause } from '../../services/causes.ts';
import { esc } from '../layout.ts';
import {
  adminPage,
  checkbox,
  formFields,
  okNotice,
  refusalNotice,
  refusalStatus,
  select,
  textInput,
  warehouseOptions,
  type AdminContext,
} from './admin.ts';
import { queryString, type PageResult } from './shared.ts';

const DIRECTIONS: CauseDirection[] = ['gain', 'loss', 'both'];

function causeForm(p: AdminContext, c: Cause | null): string {
  const w = p.w.causes;
  const directions = DIRECTIONS.map((d) => [d, w.directions[d]] as const);
  const code = c
    ? `<input type="hidden" name="code" value="${esc(c.code)}"><strong class="cause-code">${esc(c.code)}</strong>`
    : textInput('code', w.code, '', 'required maxlength="40" pattern="[a-z0-9_]{2,40}" placeholder="short_code"');
  return `<form class="filters cause${c && !c.active ? ' muted' : ''}" method="post" action="/admin/causes"${c ? ` data-cause="${esc(c.code)}"` : ''}>
${code}
${textInput('labelZh', w.labelZh, c?.labelZh ?? '', 'required maxlength="100"')}
${textInput('labelEn', w.labelEn, c?.labelEn ?? '', 'required maxlength="100"')}
${select('appliesTo', w.direction, directions, c?.appliesTo ?? 'both')}
${checkbox('noteRequired', w.noteRequired, c?.noteRequired ?? false)}
${checkbox('active', w.active, c?.active ?? true)}
<button class="btn btn--primary">${esc(c ? p.w.save : w.add)}</button>
</form>`;
}

/** The account mappings of the warehouses the admin administers: one form each, and one to add. */
async function accountsSection(p: AdminContext, causes: Cause[]): Promise<string> {
  const w = p.w.causes;
  const mine = new Set(p.adminOf.map((a) => a.code));
  const rows = (await listCauseAccounts(p.deps.db)).filter((r) => mine.has(r.warehouse));
  const label = (c: { labelEn: string; labelZh: string }) => (p.locale === 'en' ? c.labelEn : c.labelZh);
  const existing = rows.map(
    (
      r,
    ) => `<form class="filters cause-account" method="post" action="/admin/causes/accounts" data-account="${esc(`${r.warehouse}/${r.causeCode}`)}">
<input type="hidden" name="warehouse" value="${esc(r.warehouse)}"><input type="hidden" name="cause" value="${esc(r.causeCode)}">
<strong>${esc(r.warehouse)}</strong> <span>${esc(r.causeCode)} (${esc(label(r))})</span>
${textInput('account', w.account, r.account, 'required maxlength="60"')}
${textInput('costCentre', w.costCentre, r.costCentre ?? '', 'maxlength="60"')}
<button class="btn btn--primary" name="action" value="set">${esc(p.w.save)}</button>
<button class="btn" name="action" value="remove" formnovalidate>${esc(w.remove)}</button>
</form>`,
  );
  const options = causes.filter((c) => c.active).map((c) => [c.code, `${c.code} (${label(c)})`] as const);
  return `<h2>${esc(w.accountsTitle)}</h2>
<p class="muted">${esc(w.accountsHint)}</p>
${existing.length ? existing.join('\n') : `<p class="muted">${esc(w.noAccounts)}</p>`}
<h3>${esc(w.addAccount)}</h3>
<form class="filters" method="post" action="/admin/causes/accounts"><input type="hidden" name="action" value="set">
${select('warehouse', w.warehouse, warehouseOptions(p))}
${select('cause', w.cause, options)}
${textInput('account', w.account, '', 'required maxlength="60" placeholder="6711"')}
${textInput('costCentre', w.costCentre, '', 'maxlength="60"')}
<button class="btn btn--primary">${esc(w.addAccount)}</button>
</form>`;
}

async function render(p: AdminContext, flash: string, status?: PageResult['status']): Promise<PageResult> {
  const w = p.w.causes;
  const causes = await listCauses(p.deps.db);
  return {
    title: w.title,
    active: 'admin',
    ...(status ? { status } : {}),
    body: `<h1>${esc(w.title)}</h1>
${flash}
<p class="muted">${esc(w.hint)}</p>
<div class="causes">
${causes.map((c) => causeForm(p, c)).join('\n')}
</div>
<h2>${esc(w.addTitle)}</h2>
${causeForm(p, null)}
${await accountsSection(p, causes)}`,
  };
}

const saved = z.object({ done: z.literal('saved'), code: z.string().max(40) });

export const causesPage = adminPage(async (p) => {
  const q = saved.safeParse(p.c.req.query());
  const causes = q.success ? await listCauses(p.deps.db) : [];
  return render(p, q.success && causes.some((c) => c.code === q.data.code) ? okNotice(p.w.causes.saved(q.data.code)) : '');
});

export const saveCausePage = adminPage(async (p) => {
  const form = await formFields(p);
  try {
    const cause = await saveCause(
      p.deps.db,
      { actor: p.actor, now: new Date() },
      {
        code: form.code ?? '',
        labelZh: form.labelZh ?? '',
        labelEn: form.labelEn ?? '',
        appliesTo: (form.appliesTo ?? '') as CauseDirection,
        noteRequired: form.noteRequired === '1',
        active: form.active === '1',
      },
    );
    return p.c.redirect(`/admin/causes${queryString({ done: 'saved', code: cause.code, lang: p.c.req.query('lang') })}`, 303);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return render(p, refusalNotice(p, error), refusalStatus(error));
  }
});

/** POST /admin/causes/accounts: set (action=set) or remove (action=remove) a cause's account in a warehouse. */
export const saveCauseAccountPage = adminPage(async (p) => {
  const form = await formFields(p);
  const ctx = { actor: p.actor, now: new Date() };
  try {
    if (form.action === 'remove') {
      const r = await removeCauseAccount(p.deps.db, ctx, { warehouse: form.warehouse ?? '', cause: form.cause ?? '' });
      return render(p, okNotice(p.w.causes.accountRemoved(r.warehouse, r.causeCode)));
    }
    const r = await setCauseAccount(p.deps.db, ctx, {
      warehouse: form.warehouse ?? '',
      cause: form.cause ?? '',
      account: form.account ?? '',
      costCentre: form.costCentre ?? null,
    });
    return render(p, okNotice(p.w.causes.accountSaved(r.warehouse, r.causeCode)));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return render(p, refusalNotice(p, error), refusalStatus(error));
  }
});
