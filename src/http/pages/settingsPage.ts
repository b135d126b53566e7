/**
 * GET /admin/settings and POST /admin/settings: per warehouse the caller administers, the review and
 * approval policy (policy.ts): auto-confirm tolerances (empty turns one off), finance and manager
 * thresholds, time limits, currency. Checked here first, so that every mistake is named in the page's
 * language at once; setPolicy validates again and audits the change under the admin's name.
 */
import { COST_SCALE, parseDecimal } from '../../domain/decimal.ts';
import { DomainError } from '../../domain/errors.ts';
import { policyOf, setPolicy, type Policy } from '../../services/policy.ts';
import { esc } from '../layout.ts';
import {
  adminPage,
  badNotice,
  formFields,
  okNotice,
  refusalNotice,
  refusalStatus,
  requireWarehouseAdmin,
  checkbox,
  textInput,
  type AdminContext,
} from './admin.ts';
import { queryString, type PageResult } from './shared.ts';

const MONEY = ['toleranceValue', 'tolerancePercent', 'financeThreshold', 'managerThreshold'] as const;
const HOURS = ['reviewSlaHours', 'approvalSlaHours'] as const;

/** "1000.00" → "1000", "12.50" → "12.5": what a person would type. */
const plain = (value: string | null) => (value === null ? '' : value.includes('.') ? value.replace(/\.?0+$/, '') : value);

function warehouseForm(p: AdminContext, code: string, name: string, policy: Policy, entered?: Record<string, string>): string {
  const w = p.w.settings;
  const value = (key: (typeof MONEY)[number] | (typeof HOURS)[number] | 'currency') =>
    entered?.[key] ?? (key === 'currency' ? policy.currency : plain(policy[key] === null ? null : String(policy[key])));
  return `<section class="panel" data-warehouse="${esc(code)}"><h2>${esc(name && name !== code ? `${code} (${name})` : code)}</h2>
<form class="filters" method="post" action="/admin/settings"><input type="hidden" name="warehouse" value="${esc(code)}">
${textInput('toleranceValue', w.toleranceValue, value('toleranceValue'), 'inputmode="decimal"')}
${textInput('tolerancePercent', w.tolerancePercent, value('tolerancePercent'), 'inputmode="decimal"')}
${textInput('financeThreshold', w.financeThreshold, value('financeThreshold'), 'inputmode="decimal" required')}
${textInput('managerThreshold', w.managerThreshold, value('managerThreshold'), 'inputmode="decimal" required')}
${textInput('currency', w.currency, value('currency'), 'maxlength="3" required')}
${textInput('reviewSlaHours', w.reviewSlaHours, value('reviewSlaHours'), 'inputmode="numeric" required')}
${textInput('approvalSlaHours', w.approvalSlaHours, value('approvalSlaHours'), 'inputmode="numeric" required')}
${checkbox('requireAccountMapping', w.requireAccountMapping, entered ? entered.requireAccountMapping === '1' : policy.requireAccountMapping)}
<button class="btn btn--primary">${esc(p.w.save)}</button>
</form></section>`;
}

async function render(
  p: AdminContext,
  flash: string,
  status?: PageResult['status'],
  entered?: Record<string, string>,
): Promise<PageResult> {
  const w = p.w.settings;
  const forms: string[] = [];
  for (const wh of p.adminOf) {
    const policy = await policyOf(p.deps.db, wh.id);
    forms.push(warehouseForm(p, wh.code, wh.name, policy, entered?.warehouse === wh.code ? entered : undefined));
  }
  return {
    title: w.title,
    active: 'admin',
    ...(status ? { status } : {}),
    body: `<h1>${esc(w.title)}</h1>\n${flash}\n<p class="muted">${esc(w.hint)}</p>\n${forms.join('\n')}`,
  };
}

/** Every mistake in the form, in the page's language; empty when it may be saved. */
function problems(p: AdminContext, form: Record<string, string>): string[] {
  const w = p.w.settings;
  const out: string[] = [];
  const amounts: Partial<Record<(typeof MONEY)[number], bigint>> = {};
  for (const key of MONEY) {
    const text = (form[key] ?? '').trim();
    const optional = key === 'toleranceValue' || key === 'tolerancePercent';
    if (optional && (text === '' || text.toLowerCase() === 'off')) continue;
    const parsed = parseDecimal(text, COST_SCALE);
    if (!parsed.ok || (key === 'tolerancePercent' && parsed.value > 100n * 10n ** BigInt(COST_SCALE))) out.push(w.badMoney(w[key], text));
    else amounts[key] = parsed.value;
  }
  if (
    amounts.financeThreshold !== undefined &&
    amounts.managerThreshold !== undefined &&
    amounts.managerThreshold < amounts.financeThreshold
  )
    out.push(w.thresholdOrder);
  for (const key of HOURS) {
    const text = (form[key] ?? '').trim();
    if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > 720) out.push(w.badHours(w[key], text));
  }
  const currency = (form.currency ?? '').trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) out.push(w.badCurrency(form.currency ?? ''));
  return out;
}

export const settingsPage = adminPage(async (p) => {
  const done = p.c.req.query('done') === 'saved' ? p.adminOf.find((x) => x.code === p.c.req.query('warehouse')) : undefined;
  return render(p, done ? okNotice(p.w.settings.saved(done.code)) : '');
});

export const saveSettingsPage = adminPage(async (p) => {
  const form = await formFields(p);
  try {
    const wh = requireWarehouseAdmin(p, form.warehouse ?? '');
    const wrong = problems(p, form);
    if (wrong.length > 0) return render(p, badNotice(`${p.w.refused} ${wrong.join(' ')}`), 400, { ...form, warehouse: wh.code });
    const tolerance = (key: 'toleranceValue' | 'tolerancePercent') => {
      const text = (form[key] ?? '').trim();
      return text === '' ? 'off' : text;
    };
    await setPolicy(
      p.deps.db,
      wh.code,
      {
        toleranceValue: tolerance('toleranceValue'),
        tolerancePercent: tolerance('tolerancePercent'),
        financeThreshold: form.financeThreshold!.trim(),
        managerThreshold: form.managerThreshold!.trim(),
        currency: form.currency!.trim().toUpperCase(),
        reviewSlaHours: Number(form.reviewSlaHours),
        approvalSlaHours: Number(form.approvalSlaHours),
        requireAccountMapping: form.requireAccountMapping === '1',
      },
      p.actor,
    );
    return p.c.redirect(`/admin/settings${queryString({ done: 'saved', warehouse: wh.code, lang: p.c.req.query('lang') })}`, 303);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return render(p, refusalNotice(p, error), refusalStatus(error));
  }
});
