/**
 * The audit history of a stocktake and the verdict on the whole hash chain. The verdict comes first and
 * loud: an auditor must not have to scroll to learn that a row was edited.
 */
import { auditTexts } from '../../../cards/i18n/audit.ts';
import type { Locale } from '../../../cards/i18n/index.ts';
import type { AuditVerdict } from '../../services/auditVerify.ts';
import type { AuditLine } from '../../services/dashboard.ts';
import { esc } from '../layout.ts';
import type { PageWords } from './i18n.ts';
import { localTime } from './shared.ts';

export const AUDIT_ROWS = 200;

const MAX_FIELDS = 6;
const MAX_VALUE = 48;

const show = (value: unknown): string => {
  if (value === undefined) return '∅';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Before/after in one line: the fields that changed (`reviewStatus: open → confirmed`), or the fields of
 * what was created or removed. Plain text; the caller escapes it.
 */
export function summariseChange(before: unknown, after: unknown): string {
  const parts: string[] = [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) {
      if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) parts.push(`${k}: ${show(before[k])} → ${show(after[k])}`);
    }
  } else if (isObject(after) && (before === null || before === undefined)) {
    for (const [k, v] of Object.entries(after)) parts.push(`${k}: ${show(v)}`);
  } else if (isObject(before) && (after === null || after === undefined)) {
    for (const [k, v] of Object.entries(before)) parts.push(`− ${k}: ${show(v)}`);
  } else if (before !== null || after !== null) {
    parts.push(`${show(before ?? undefined)} → ${show(after ?? undefined)}`);
  }
  return parts.length > MAX_FIELDS ? `${parts.slice(0, MAX_FIELDS).join('; ')}; …` : parts.join('; ');
}

export function chainNotice(verdict: AuditVerdict, t: PageWords, locale: Locale): string {
  const first = verdict.problems[0];
  if (!first) return `<p class="notice ok chain" data-chain="ok">✓ ${esc(t.audit.verified(verdict.rows))}</p>`;
  const message = auditTexts(locale).finding(first);
  const row = 'id' in first ? first.id : null;
  return `<p class="notice bad chain" role="alert" data-chain="broken"${row ? ` data-first-bad="${esc(row)}"` : ''} data-problem="${esc(first.kind)}">✗ ${esc(row ? t.audit.broken(row, message) : t.audit.tampered(message))}</p>`;
}

/** `names` turns entity ids into what people call them (a document's id → its number). */
export function auditHtml(o: { rows: AuditLine[]; total: number; t: PageWords; timezone: string; names: Map<string, string> }): string {
  const a = o.t.audit;
  if (o.rows.length === 0) return `<p class="muted">${esc(a.none)}</p>`;
  const who = (r: AuditLine) =>
    r.actorHandle
      ? `${esc(r.actorHandle)} <span class="muted">(${esc(r.actorIdentity)})</span>`
      : `<span class="muted">${esc(a.operator)} (${esc(r.actorIdentity)})</span>`;
  const rows = o.rows
    .map(
      (r) =>
        `<tr data-audit="${esc(r.id)}"><td class="num">${esc(r.id)}</td><td>${esc(localTime(r.at, o.timezone))}</td><td>${who(r)}</td><td><code>${esc(r.action)}</code></td><td>${esc(o.names.get(r.entityId) ?? r.entityId)}</td><td>${esc(summariseChange(r.before, r.after))}</td></tr>`,
    )
    .join('\n');
  return `${o.total > o.rows.length ? `<p class="muted">${esc(a.latest(o.rows.length, o.total))}</p>` : ''}
<div class="table-scroll"><table class="data audit"><thead><tr><th class="num">#</th><th>${esc(a.at)}</th><th>${esc(a.who)}</th><th>${esc(a.action)}</th><th>${esc(a.entity)}</th><th>${esc(a.change)}</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}
