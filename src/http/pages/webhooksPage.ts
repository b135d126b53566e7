/**
 * GET /admin/webhooks and its posts: webhook subscriptions (add, rotate the secret, send a test, remove)
 * and the deliveries that failed (retry). A new or rotated secret is shown on the answer page itself,
 * once, never put in a URL. The services check that the admin administers the warehouse, and audit.
 */
import { DomainError } from '../../domain/errors.ts';
import { INTEGRATION_EVENT_TYPES } from '../../integration/payload.ts';
import {
  addWebhook,
  listDeliveries,
  listWebhooks,
  removeWebhook,
  retryFailedDeliveries,
  rotateWebhookSecret,
  testWebhook,
} from '../../services/webhooks.ts';
import { esc } from '../layout.ts';
import {
  adminPage,
  badNotice,
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
import type { PageResult } from './shared.ts';

async function render(p: AdminContext, flash: string, status?: PageResult['status']): Promise<PageResult> {
  const w = p.w.webhooks;
  const db = p.deps.db;
  const subs = await listWebhooks(db, { viewer: p.actor.personId });
  const failed = await listDeliveries(db, { status: 'failed', limit: 100, viewer: p.actor.personId });
  const button = (id: string, action: string, label: string, cls = 'btn') =>
    `<form method="post" action="/admin/webhooks/${action}" class="inline"><input type="hidden" name="id" value="${esc(id)}"><button class="${cls}">${esc(label)}</button></form>`;
  const rows = subs.map(
    (
      s,
    ) => `<tr data-webhook="${esc(s.id)}"><td><code>${esc(s.url)}</code>${s.description ? `<br><span class="muted">${esc(s.description)}</span>` : ''}</td>
<td>${esc(s.warehouse ?? w.allWarehouses)}</td><td>${esc(s.eventTypes.length ? s.eventTypes.join(', ') : w.allEvents)}</td>
<td>${s.pendingDeliveries}</td><td>${s.failedDeliveries}</td><td>${esc(s.previousSecretUntil ?? '')}</td>
<td>${button(s.id, 'rotate', w.rotate)} ${button(s.id, 'test', w.test)} ${button(s.id, 'remove', w.remove)}</td></tr>`,
  );
  const table = subs.length
    ? `<div class="table-wrap"><table><thead><tr><th>${esc(w.url)}</th><th>${esc(w.warehouse)}</th><th>${esc(w.events)}</th><th>${esc(w.pending)}</th><th>${esc(w.failed)}</th><th>${esc(w.previousUntil)}</th><th></th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></div>`
    : `<p class="muted">${esc(w.none)}</p>`;
  const deliveries = failed.length
    ? `<div class="table-wrap"><table><thead><tr>${w.headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>
${failed
  .map(
    (d) =>
      `<tr data-delivery="${esc(d.id)}"><td>${esc(d.type)}</td><td>${esc(d.subject)}</td><td>${esc(d.target)}</td><td>${d.attempts}</td><td>${esc(d.lastError ?? '')}</td><td>${button(d.id, 'retry', w.retry)}</td></tr>`,
  )
  .join('\n')}
</tbody></table></div>`
    : `<p class="muted">${esc(w.noFailed)}</p>`;
  const warehouses: [string, string][] = [['', w.allWarehouses], ...warehouseOptions(p)];
  return {
    title: w.title,
    active: 'admin',
    ...(status ? { status } : {}),
    body: `<h1>${esc(w.title)}</h1>
${flash}
<p class="muted">${esc(w.hint)}</p>
${table}
<h2>${esc(w.addTitle)}</h2>
<form class="filters" method="post" action="/admin/webhooks">
${textInput('url', w.url, '', 'required maxlength="2000" placeholder="https://erp.example.com/hooks/stocktake" inputmode="url"')}
${select('warehouse', w.warehouse, warehouses, '').replace(' required>', '>')}
${INTEGRATION_EVENT_TYPES.map((t) => checkbox(`event_${t}`, t, false)).join('\n')}
${textInput('description', w.description, '', 'maxlength="500"')}
<button class="btn btn--primary">${esc(w.add)}</button>
</form>
<h2>${esc(w.deliveriesTitle)}</h2>
${deliveries}`,
  };
}

const secretNotice = (p: AdminContext, text: string, secret: string) =>
  `${okNotice(text)}\n<p class="notice ok secret" role="status"><code>${esc(p.w.webhooks.secretOnce(secret))}</code></p>`;

/** Runs an action; a refusal shows the page again with the reason. */
async function act(p: AdminContext, fn: (form: Record<string, string>) => Promise<string>): Promise<PageResult> {
  const form = await formFields(p);
  try {
    return render(p, await fn(form));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return render(p, refusalNotice(p, error), refusalStatus(error));
  }
}

const ctxOf = (p: AdminContext) => ({ actor: p.actor, now: new Date() });

export const webhooksPage = adminPage((p) => render(p, ''));

export const addWebhookPage = adminPage((p) =>
  act(p, async (form) => {
    const added = await addWebhook(p.deps.db, ctxOf(p), {
      url: form.url ?? '',
      warehouse: form.warehouse || null,
      events: INTEGRATION_EVENT_TYPES.filter((t) => form[`event_${t}`] === '1'),
      description: form.description ?? null,
    });
    return secretNotice(p, p.w.webhooks.added(added.webhook.url), added.secret);
  }),
);

export const rotateWebhookPage = adminPage((p) =>
  act(p, async (form) => {
    const rotated = await rotateWebhookSecret(p.deps.db, ctxOf(p), { id: form.id ?? '' });
    return secretNotice(p, p.w.webhooks.rotated(rotated.previousSecretUntil), rotated.secret);
  }),
);

export const testWebhookPage = adminPage((p) =>
  act(p, async (form) => {
    const result = await testWebhook(p.deps.db, ctxOf(p), { id: form.id ?? '' });
    return result.ok ? okNotice(p.w.webhooks.testOk(result.status!)) : badNotice(p.w.webhooks.testFailed(result.error ?? ''));
  }),
);

export const removeWebhookPage = adminPage((p) =>
  act(p, async (form) => okNotice(p.w.webhooks.removed((await removeWebhook(p.deps.db, ctxOf(p), { id: form.id ?? '' })).url))),
);

export const retryDeliveryPage = adminPage((p) =>
  act(p, async (form) =>
    okNotice(p.w.webhooks.retried((await retryFailedDeliveries(p.deps.db, ctxOf(p), { ids: [form.id ?? ''] })).retried.length)),
  ),
);
