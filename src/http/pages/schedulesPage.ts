/**
 * GET /admin/schedules and POST /admin/schedules: when each digest chat of the warehouses the caller
 * administers gets its daily and weekly report (schedules.ts). One form per chat and report: cron,
 * timezone, on/off. setSchedule checks the role and the cron, and audits.
 */
import { DomainError } from '../../domain/errors.ts';
import { listSchedules, nextRun, parseScheduleJob, setSchedule } from '../../services/schedules.ts';
import { esc } from '../layout.ts';
import {
  adminPage,
  checkbox,
  formFields,
  okNotice,
  refusalNotice,
  refusalStatus,
  requireWarehouseAdmin,
  textInput,
  type AdminContext,
} from './admin.ts';
import { localTime, queryString, type PageResult } from './shared.ts';

async function render(
  p: AdminContext,
  flash: string,
  status?: PageResult['status'],
  entered?: Record<string, string>,
): Promise<PageResult> {
  const w = p.w.schedules;
  const mine = new Set(p.adminOf.map((a) => a.code));
  const schedules = (await listSchedules(p.deps.db)).filter((s) => mine.has(s.warehouse));
  const forms = schedules.map((s) => {
    const chat = `${s.platform}:${s.chatId}`;
    const typed = entered && entered.chat === chat && entered.job === s.job ? entered : undefined;
    const next = nextRun(s);
    return `<form class="filters schedule" method="post" action="/admin/schedules" data-chat="${esc(chat)}" data-job="${s.job}">
<input type="hidden" name="chat" value="${esc(chat)}"><input type="hidden" name="job" value="${s.job}">
<span><strong>${esc(chat)}</strong> · ${esc(s.warehouse)} · ${esc(w.reports[s.job])}${s.isDefault ? ` <span class="badge muted">${esc(w.isDefault)}</span>` : ''}<br><span class="muted">${esc(w.next)}: ${esc(next ? localTime(next, s.timezone) : '—')}</span></span>
${textInput('cron', w.cron, typed?.cron ?? s.cron, 'required maxlength="100"')}
${textInput('timezone', w.timezone, typed?.timezone ?? s.timezone, 'required maxlength="64"')}
${checkbox('enabled', w.enabled, typed ? typed.enabled === '1' : s.enabled)}
<button class="btn btn--primary">${esc(p.w.save)}</button>
</form>`;
  });
  return {
    title: w.title,
    active: 'admin',
    ...(status ? { status } : {}),
    body: `<h1>${esc(w.title)}</h1>\n${flash}\n<p class="muted">${esc(w.hint)}</p>\n${forms.length ? forms.join('\n') : `<p class="muted">${esc(w.none)}</p>`}`,
  };
}

export const schedulesPage = adminPage(async (p) => {
  const { done, chat, job } = p.c.req.query();
  const w = p.w.schedules;
  const known = done === 'saved' && (job === 'daily' || job === 'weekly' || job === 'monthly') && chat;
  return render(p, known ? okNotice(w.saved(chat, w.reports[job])) : '');
});

export const saveSchedulePage = adminPage(async (p) => {
  const form = await formFields(p);
  const chat = form.chat ?? '';
  try {
    const job = parseScheduleJob(form.job ?? '');
    const at = chat.indexOf(':');
    const ref = { platform: chat.slice(0, at), chatId: chat.slice(at + 1) };
    const [current] = (await listSchedules(p.deps.db, ref)).filter((s) => s.job === job);
    // A chat of a warehouse the caller does not administer is refused as if it were not there.
    requireWarehouseAdmin(p, current?.warehouse ?? chat);
    await setSchedule(p.deps.db, p.actor, {
      ...ref,
      job,
      cron: form.cron ?? '',
      timezone: form.timezone ?? '',
      enabled: form.enabled === '1',
    });
    return p.c.redirect(`/admin/schedules${queryString({ done: 'saved', chat, job, lang: p.c.req.query('lang') })}`, 303);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return render(p, refusalNotice(p, error), refusalStatus(error), form);
  }
});
