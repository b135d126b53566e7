// Feishu's approval centre for third-party approvals (三方审批), as approval v4 documents it:
// external_approvals (define, with the quick-approval callback url/token/key), external_instances (sync an
// instance with its task_list; REPLACE), and the quick-approval callback an approver's Approve/Reject sends
// (三方快捷审批回调: action_type, action_context, user_id, approval_code, instance_id, task_id, reason,
// token; or {encrypt} with AES-256-CBC under SHA-256(key), IV first; 10 s to answer, a status above 400
// shows the answer's `message`). Checks: required fields, status values, unique ids in an instance, every
// @i18n@ key used defined in each locale, exactly one default locale. Codes: 1390001 param is invalid.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { ApiError } from './openapi.ts';

const INSTANCE_STATUS = new Set(['PENDING', 'APPROVED', 'REJECTED', 'CANCELED', 'DELETED', 'HIDDEN', 'TERMINATED']);
const TASK_STATUS = new Set(['PENDING', 'APPROVED', 'REJECTED', 'TRANSFERRED', 'DONE']);
const LOCALES = new Set(['zh-CN', 'en-US', 'ja-JP']);

export interface FakeExternalApproval {
  code: string;
  name: string;
  callbackUrl?: string;
  callbackToken?: string;
  callbackKey?: string;
  quickOperate: boolean;
  body: any;
}

export interface FakeExternalTask {
  task_id: string;
  open_id?: string;
  user_id?: string;
  status: string;
  title?: string;
  action_context?: string;
  action_configs?: { action_type: string; action_name?: string; is_need_reason?: boolean; is_reason_required?: boolean }[];
  node_id?: string;
  node_name?: string;
}

export interface FakeExternalInstance {
  approval_code: string;
  instance_id: string;
  status: string;
  title?: string;
  task_list: FakeExternalTask[];
  /** Texts by locale, to read a title or name the way an approver in that locale sees it. */
  texts: Record<string, Record<string, string>>;
  /** Every body synced for this instance, oldest first. */
  history: any[];
}

export interface ApprovalCentreState {
  definitions: Map<string, FakeExternalApproval>;
  instances: Map<string, FakeExternalInstance>;
}

export function newApprovalCentreState(): ApprovalCentreState {
  return { definitions: new Map(), instances: new Map() };
}

const invalid = (what: string) => new ApiError(400, 1390001, `param is invalid: ${what}`);
const str = (v: unknown) => typeof v === 'string' && v.length > 0;

function i18nTexts(resources: unknown): Record<string, Record<string, string>> {
  if (!Array.isArray(resources) || resources.length === 0) throw invalid('i18n_resources is required');
  if (resources.filter((r) => r?.is_default === true).length !== 1) throw invalid('i18n_resources needs exactly one is_default');
  const out: Record<string, Record<string, string>> = {};
  for (const r of resources) {
    if (!LOCALES.has(r?.locale)) throw invalid(`i18n_resources.locale ${String(r?.locale)}`);
    if (!Array.isArray(r.texts)) throw invalid('i18n_resources.texts');
    out[r.locale] = Object.fromEntries(r.texts.map((t: any) => [t.key, t.value]));
  }
  return out;
}

/** Every `@i18n@…` value used must be a key in every locale's texts ("国际化文案 key 必须在 i18n_resources 中"). */
function checkKeys(texts: Record<string, Record<string, string>>, values: unknown[]) {
  for (const v of values) {
    if (typeof v !== 'string' || !v.startsWith('@i18n@')) continue;
    for (const [locale, map] of Object.entries(texts)) if (!(v in map)) throw invalid(`${v} has no text in ${locale}`);
  }
}

function links(l: any, where: string) {
  if (!l || (!str(l.pc_link) && !str(l.mobile_link))) throw invalid(`${where}.links: pc_link or mobile_link is required`);
}

export function approvalRoutes(state: ApprovalCentreState) {
  const defineApproval = (body: any) => {
    if (!str(body.approval_name)) throw invalid('approval_name');
    if (!str(body.approval_code)) throw invalid('approval_code');
    if (!body.external || typeof body.external !== 'object') throw invalid('external');
    const texts = body.i18n_resources ? i18nTexts(body.i18n_resources) : {};
    checkKeys(texts, [body.approval_name, body.group_name, body.external.biz_name]);
    const e = body.external;
    if (e.enable_quick_operate && (!str(e.action_callback_url) || !str(e.action_callback_token)))
      throw invalid('external.action_callback_url and action_callback_token are required for quick approval');
    state.definitions.set(body.approval_code, {
      code: body.approval_code,
      name: body.approval_name,
      ...(e.action_callback_url ? { callbackUrl: e.action_callback_url } : {}),
      ...(e.action_callback_token ? { callbackToken: e.action_callback_token } : {}),
      ...(e.action_callback_key ? { callbackKey: e.action_callback_key } : {}),
      quickOperate: e.enable_quick_operate === true,
      body,
    });
    return { code: 0, msg: 'success', data: { approval_code: body.approval_code } };
  };

  const syncInstance = (body: any) => {
    if (!str(body.approval_code) || !state.definitions.has(body.approval_code)) throw invalid('approval_code: no such external approval');
    if (!INSTANCE_STATUS.has(body.status)) throw invalid('status');
    if (!str(body.instance_id)) throw invalid('instance_id');
    links(body.links, 'instance');
    for (const f of ['start_time', 'end_time', 'update_time']) if (typeof body[f] !== 'string' || !/^\d+$/.test(body[f])) throw invalid(f);
    const texts = i18nTexts(body.i18n_resources);
    const used: unknown[] = [body.title, ...(body.form ?? []).flatMap((f: any) => [f.name, f.value])];
    const ids = new Set<string>([body.instance_id]);
    for (const t of body.task_list ?? []) {
      if (!str(t.task_id)) throw invalid('task_list.task_id');
      if (ids.has(t.task_id)) throw invalid(`duplicate id ${t.task_id} in the instance`);
      ids.add(t.task_id);
      if (!str(t.user_id) && !str(t.open_id)) throw invalid('task_list: user_id or open_id is required');
      links(t.links, 'task');
      if (!TASK_STATUS.has(t.status)) throw invalid('task_list.status');
      for (const f of ['create_time', 'end_time']) if (typeof t[f] !== 'string' || !/^\d+$/.test(t[f])) throw invalid(`task_list.${f}`);
      for (const a of t.action_configs ?? []) {
        if (a.action_type !== 'APPROVE' && a.action_type !== 'REJECT') throw invalid('action_configs.action_type');
        used.push(a.action_name);
      }
      used.push(t.title, t.node_name);
    }
    checkKeys(texts, used);
    const previous = state.instances.get(body.instance_id);
    // update_time orders syncs: an older one than what Feishu holds is not applied.
    if (previous && Number(previous.history.at(-1).update_time) > Number(body.update_time))
      throw invalid('update_time older than the stored instance');
    state.instances.set(body.instance_id, {
      approval_code: body.approval_code,
      instance_id: body.instance_id,
      status: body.status,
      ...(body.title ? { title: body.title } : {}),
      task_list: (body.task_list ?? []).map((t: any) => ({ ...t })),
      texts,
      history: [...(previous?.history ?? []), body],
    });
    return { code: 0, msg: 'success', data: { data: body } };
  };

  return [
    { method: 'POST', path: /^\/open-apis\/approval\/v4\/external_approvals$/, auth: true, handle: defineApproval },
    { method: 'POST', path: /^\/open-apis\/approval\/v4\/external_instances$/, auth: true, handle: syncInstance },
  ];
}

export type Post = (url: string, init: RequestInit) => Promise<Response>;

export interface DecideInput {
  taskId: string;
  action: 'APPROVE' | 'REJECT';
  reason?: string;
  /** Feishu's user_id of the approver (not an open_id). */
  userId?: string;
  /** Overrides for a forged request: another token, another action_context. */
  forge?: { token?: string; actionContext?: string };
}

/**
 * An approver taps Approve or Reject on a task in the approval centre: the callback goes to the
 * definition's action_callback_url. Only a PENDING task with that action configured has the button, and
 * a reason is asked for when the action requires one. Feishu waits 10 s for the answer.
 */
export async function decideExternalTask(
  state: ApprovalCentreState,
  input: DecideInput,
  post: Post = (url, init) => fetch(url, init),
): Promise<{ status: number; body: any; timedOut: boolean }> {
  const instance = [...state.instances.values()].find((i) => i.task_list.some((t) => t.task_id === input.taskId));
  const task = instance?.task_list.find((t) => t.task_id === input.taskId);
  if (!instance || !task) throw new Error(`fake feishu: no external task ${input.taskId}`);
  const def = state.definitions.get(instance.approval_code)!;
  if (!def.quickOperate || !def.callbackUrl) throw new Error('fake feishu: quick approval is not enabled on the definition');
  if (task.status !== 'PENDING') throw new Error(`fake feishu: task ${input.taskId} is ${task.status}: no buttons`);
  const config = task.action_configs?.find((a) => a.action_type === input.action);
  if (!config) throw new Error(`fake feishu: task ${input.taskId} has no ${input.action} button`);
  if (config.is_reason_required && !input.reason?.trim()) throw new Error('fake feishu: the client asks for a reason before sending');
  const payload = {
    action_type: input.action,
    action_context: input.forge?.actionContext ?? task.action_context ?? '',
    user_id: input.userId ?? 'fake_user_id',
    approval_code: instance.approval_code,
    instance_id: instance.instance_id,
    task_id: task.task_id,
    ...(input.reason ? { reason: input.reason } : {}),
    token: input.forge?.token ?? def.callbackToken,
  };
  let body = JSON.stringify(payload);
  if (def.callbackKey) {
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(def.callbackKey).digest(), iv);
    body = JSON.stringify({ encrypt: Buffer.concat([iv, cipher.update(body, 'utf8'), cipher.final()]).toString('base64') });
  }
  try {
    const res = await post(def.callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.json().catch(() => null), timedOut: false };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return { status: 0, body: null, timedOut: true };
    throw error;
  }
}

/** A text of an instance as an approver reading `locale` sees it (an @i18n@ key resolved). */
export function shown(instance: FakeExternalInstance, value: string | undefined, locale = 'zh-CN'): string | undefined {
  if (value === undefined || !value.startsWith('@i18n@')) return value;
  return instance.texts[locale]?.[value];
}
