// The process-centre half of the fake (自有 OA 审批 > 流程中心): integrated instances and tasks, as the
// docs describe them (create-a-ticket-approval-instance, create-pending-tasks-in-process-center,
// update-process-center-task-status, update-instance-status): required fields, limits (url ≤ 1024,
// title ≤ 64, ≤ 20 tasks a call), the documented error codes (process.error, integrated.state.invalid,
// tasks.is.null, task.url.error, userNotExist). What the docs leave open is marked "invented".
// `decide` is an approver tapping Approve/Refuse in 待办: DingTalk's gateway posts the data source's
// fixed parameters to the registered callback URL with the headers the data source was given.
import { randomUUID } from 'node:crypto';
import type { ApiState, Reply } from './openapi.ts';

// openapi.ts's error shape, written here too: openapi.ts imports these routes (no import cycle back).
function apiError(status: number, code: string, message: string): Reply {
  return { status, json: { code, requestid: randomUUID().toUpperCase(), message } };
}

export interface FakeWorkflowTask {
  taskId: number;
  userId: string;
  activityId: string;
  url: string;
  customData?: string;
  status: 'RUNNING' | 'COMPLETED' | 'CANCELED';
  result?: 'AGREE' | 'REFUSE';
  shortcut: boolean;
}

export interface FakeWorkflowInstance {
  processInstanceId: string;
  processCode: string;
  originatorUserId: string;
  title?: string;
  url: string;
  form: { name: string; value: string }[];
  status: 'RUNNING' | 'COMPLETED' | 'TERMINATED';
  result?: 'agree' | 'refuse';
  tasks: FakeWorkflowTask[];
}

export interface WorkflowState {
  /** Process codes of integrated processes that exist in the organisation. */
  processCodes: Set<string>;
  instances: Map<string, FakeWorkflowInstance>;
  nextTaskId: number;
  /** The data source (数据源) registered for quick actions: where the gateway posts, with which headers. */
  dataSource?: { apiKey: string; url: string; headers: Record<string, string> };
}

export function newWorkflowState(processCodes: string[] = []): WorkflowState {
  return { processCodes: new Set(processCodes), instances: new Map(), nextTaskId: 880001 };
}

const ok = (json: unknown): Reply => ({ status: 200, json });
const str = (v: unknown) => typeof v === 'string' && v.length > 0;

function knownUser(state: ApiState, userId: unknown): boolean {
  return typeof userId === 'string' && state.staff.has(userId);
}

function saveInstance(state: ApiState, body: any): Reply {
  const w = state.workflow;
  if (!str(body.processCode)) return apiError(400, 'required.error', 'processCode不能为空');
  if (!w.processCodes.has(body.processCode)) return apiError(400, 'process.error', '审批流不存在');
  if (!str(body.originatorUserId)) return apiError(400, 'required.error', 'originatorUserId不能为空');
  if (!knownUser(state, body.originatorUserId)) return apiError(400, 'userNotExist', '用户不存在');
  if (!str(body.url)) return apiError(400, 'required.error', 'url不能为空');
  if (body.url.length > 1024) return apiError(400, 'parameter.invalid', '参数错误');
  if (body.title !== undefined && (typeof body.title !== 'string' || body.title.length > 64))
    return apiError(400, 'parameter.invalid', '参数错误');
  const form = body.formComponentValueList ?? [];
  if (!Array.isArray(form) || form.length > 100) return apiError(400, 'parameter.invalid', '参数错误');
  for (const f of form) {
    if (typeof f?.name !== 'string' || f.name.length > 64 || typeof f.value !== 'string')
      return apiError(400, 'aflowProcessFormContentInvalid', '审批流的表单格式错误');
  }
  const processInstanceId = `fakeInst${w.instances.size + 1}${Date.now().toString(36)}`;
  w.instances.set(processInstanceId, {
    processInstanceId,
    processCode: body.processCode,
    originatorUserId: body.originatorUserId,
    ...(body.title ? { title: body.title } : {}),
    url: body.url,
    form,
    status: 'RUNNING',
    tasks: [],
  });
  return ok({ result: { processInstanceId } });
}

function createTasks(state: ApiState, body: any): Reply {
  const w = state.workflow;
  const inst = str(body.processInstanceId) ? w.instances.get(body.processInstanceId) : undefined;
  if (!inst) return apiError(400, 'integrated.state.invalid', '流程实例不存在');
  if (inst.status !== 'RUNNING') return apiError(400, 'integrated.state.invalid', '流程实例已完结，不能继续创建任务');
  if (!Array.isArray(body.tasks) || body.tasks.length === 0) return apiError(400, 'tasks.is.null', '参数错误，任务列表tasks不能为空');
  if (body.tasks.length > 20) return apiError(400, 'integrated.number.exceed', '流程任务的数量到达上限');
  let shortcut = false;
  for (const f of body.featureConfig?.features ?? []) {
    if (f.name !== 'CUSTOM_SHORTCUT') continue;
    // "需支持快捷操作按钮时该参数必填": the gateway callback's appUuid, apiKey and version.
    if (!str(f.callback?.appUuid) || !str(f.callback?.apiKey) || !str(f.callback?.version))
      return apiError(400, 'parameter.invalid', 'featureConfig.features.callback appUuid/apiKey/version are required');
    if (f.callback.apiKey !== w.dataSource?.apiKey) return apiError(400, 'parameter.invalid', 'no data source with this apiKey'); // invented
    shortcut = true;
  }
  for (const t of body.tasks) {
    if (!knownUser(state, t.userId)) return apiError(400, 'userNotExist', '用户不存在');
    if (typeof t.url === 'string' && t.url.length > 1024) return apiError(400, 'task.url.error', '任务列表tasks中url长度不能超过1024字符');
    if (typeof t.customData === 'string' && t.customData.length > 500) return apiError(400, 'parameter.invalid', '参数错误');
  }
  const created = (body.tasks as any[]).map((t) => {
    const task: FakeWorkflowTask = {
      taskId: w.nextTaskId++,
      userId: t.userId,
      activityId: typeof body.activityId === 'string' ? body.activityId : '',
      url: t.url ?? inst.url,
      ...(typeof t.customData === 'string' ? { customData: t.customData } : {}),
      status: 'RUNNING',
      shortcut,
    };
    inst.tasks.push(task);
    return { taskId: task.taskId, userId: task.userId };
  });
  return ok({ result: created, success: true });
}

function updateTasks(state: ApiState, body: any): Reply {
  const w = state.workflow;
  const inst = str(body.processInstanceId) ? w.instances.get(body.processInstanceId) : undefined;
  if (!inst) return apiError(400, 'integrated.state.invalid', '流程实例不存在');
  if (!Array.isArray(body.tasks) || body.tasks.length === 0) return apiError(400, 'tasks.is.null', '参数错误，任务列表tasks不能为空');
  if (body.tasks.length > 20) return apiError(400, 'integrated.number.exceed', '流程任务的数量到达上限');
  const changes: [FakeWorkflowTask, FakeWorkflowTask['status'], FakeWorkflowTask['result']][] = [];
  for (const t of body.tasks) {
    if (typeof t.taskId !== 'number') return apiError(400, 'parameter.invalid', 'taskId must be a number (Long)');
    const task = inst.tasks.find((x) => x.taskId === t.taskId);
    if (!task) return apiError(400, 'parameter.invalid', `task ${t.taskId} not found`); // invented
    if (t.status !== 'COMPLETED' && t.status !== 'CANCELED')
      return apiError(400, 'parameter.invalid', 'status must be COMPLETED or CANCELED');
    if (t.status === 'COMPLETED' && t.result !== 'AGREE' && t.result !== 'REFUSE')
      return apiError(400, 'parameter.invalid', 'result (AGREE or REFUSE) is required when status is COMPLETED');
    const result = t.status === 'COMPLETED' ? (t.result as 'AGREE' | 'REFUSE') : undefined;
    // A finished task keeps its outcome (invented: the docs say nothing of a second update).
    if (task.status !== 'RUNNING' && (task.status !== t.status || task.result !== result))
      return apiError(400, 'task.state.invalid', `task ${t.taskId} is already ${task.status}`);
    changes.push([task, t.status, result]);
  }
  for (const [task, status, result] of changes) {
    task.status = status;
    if (result) task.result = result;
  }
  return ok({ success: true, result: true });
}

function updateInstance(state: ApiState, body: any): Reply {
  const inst = str(body.processInstanceId) ? state.workflow.instances.get(body.processInstanceId) : undefined;
  if (!inst) return apiError(400, 'integrated.state.invalid', '流程实例不存在');
  if (body.status !== 'COMPLETED' && body.status !== 'TERMINATED')
    return apiError(400, 'parameter.invalid', 'status must be COMPLETED or TERMINATED');
  if (body.result !== 'agree' && body.result !== 'refuse') return apiError(400, 'required.error', 'result不能为空');
  inst.status = body.status;
  inst.result = body.result;
  // Tasks still open end with the instance (the docs' table: B2/B3 "无此条待办任务").
  for (const t of inst.tasks) if (t.status === 'RUNNING') t.status = 'CANCELED';
  return ok({ success: true, result: true });
}

export const workflowRoutes: Record<string, (state: ApiState, body: any) => Reply> = {
  'POST /v1.0/workflow/processCentres/instances': saveInstance,
  'PUT /v1.0/workflow/processCentres/instances': updateInstance,
  'POST /v1.0/workflow/processCentres/tasks': createTasks,
  'PUT /v1.0/workflow/processCentres/tasks': updateTasks,
};

export type Post = (url: string, init: RequestInit) => Promise<Response>;

/**
 * An approver taps Approve (agree) or Refuse in 待办 on a task with quick actions: the gateway posts the
 * documented parameters to the data source's URL. Only the task's own user sees its buttons, and only
 * while it runs. The gateway's wait is not documented; 10 s here, as Feishu's.
 */
export async function decideTask(
  state: ApiState,
  corpId: string,
  input: { taskId: number; outResult: 'agree' | 'refuse'; remark?: string; operator?: string },
  post: Post = (url, init) => fetch(url, init),
): Promise<{ status: number; body: any; timedOut: boolean }> {
  const w = state.workflow;
  const inst = [...w.instances.values()].find((i) => i.tasks.some((t) => t.taskId === input.taskId));
  const task = inst?.tasks.find((t) => t.taskId === input.taskId);
  if (!inst || !task) throw new Error(`fake dingtalk: no task ${input.taskId}`);
  if (task.status !== 'RUNNING' || inst.status !== 'RUNNING')
    throw new Error(`fake dingtalk: task ${input.taskId} is ${task.status}: no buttons`);
  if (!task.shortcut || !w.dataSource) throw new Error(`fake dingtalk: task ${input.taskId} has no quick actions`);
  const body = {
    outResult: input.outResult,
    processInstanceId: inst.processInstanceId,
    activityId: task.activityId,
    corpId,
    data: [],
    remark: input.remark ?? (input.outResult === 'agree' ? '同意' : ''),
    title: inst.title ?? '',
    taskId: task.taskId,
    operator: input.operator ?? task.userId,
  };
  try {
    const res = await post(w.dataSource.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...w.dataSource.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.json().catch(() => null), timedOut: false };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return { status: 0, body: null, timedOut: true };
    throw error;
  }
}
