/**
 * GET /admin/causes and POST /admin/causes: the cause catalogue, one small form per cause (labels in both
 * languages, gain/loss/both, note required, active) and one to add a cause. saveCause checks the admin
 * role, validates and audits; a refusal shows the page again with the reason.
 */
import { z } from 'zod';
import type { CauseDirection } from '../../domain/causes.ts';
import { DomainError } from '../../domain/errors.ts';
import { listCauses, saveCause, type Cause } from '../../services/causes.ts';
import { esc } from '../layout.ts';
import { adminPage, checkbox, formFields, okNotice, refusalNotice, refusalStatus, select, textInput, type AdminContext } from './admin.ts';
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
${causeForm(p, null)}`,
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
