/**
 * A fake 金蝶云星空 (Kingdee K/3 Cloud) WebAPI, as strict as its public documentation and the integration
 * code around it (see README "ERP connectors"):
 * - AuthService.ValidateUser takes { acctID, username, password, lcid } (or { parameters: [acctID,
 *   username, password, lcid] }) and answers LoginResultType 1 with a `kdservice-sessionid` cookie, or
 *   LoginResultType 0 with a Message;
 * - DynamicFormService.Save takes { formid, data } (data an object or a JSON string) and needs the session
 *   cookie (else MsgCode 1 "会话信息已丢失，请重新登录"); it checks the form, FBillTypeID, FDate, FStockOrgId,
 *   each FBillEntry's material, unit, stock, quantities (FAcctQty + FGainQty = FCountQty on a 盘盈单,
 *   FAcctQty − FLossQty = FCountQty on a 盘亏单) and FBillNo's uniqueness, and answers
 *   Result.ResponseStatus { IsSuccess, Errors[{ FieldName, Message, DIndex }], SuccessEntitys[{ Id, Number, DIndex }] };
 * - DynamicFormService.ExecuteBillQuery answers rows of the FieldKeys for `FBillNo='…'` filters.
 */
import { randomUUID } from 'node:crypto';
import { num, startFakeServer, type FakeServer } from './erp/http.ts';

const PATH = {
  login: '/k3cloud/Kingdee.BOS.WebApi.ServicesStub.AuthService.ValidateUser.common.kdsvc',
  save: '/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.Save.common.kdsvc',
  query: '/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.ExecuteBillQuery.common.kdsvc',
};

const FORMS: Record<string, { billType: string; qty: 'FGainQty' | 'FLossQty' }> = {
  STK_StockCountGain: { billType: 'PY01_SYS', qty: 'FGainQty' },
  STK_StockCountLoss: { billType: 'PK01_SYS', qty: 'FLossQty' },
};

export interface KingdeeBill {
  formId: string;
  id: number;
  number: string;
  audited: boolean;
  model: Record<string, unknown>;
}

export interface FakeKingdee extends FakeServer {
  /** The base URL a connector is configured with (…/k3cloud). */
  baseUrl: string;
  bills: KingdeeBill[];
  materials: Set<string>;
  stocks: Set<string>;
  /** Make the next Save calls (of one form, or any) answer HTTP 500 (a server in trouble). */
  failNextSaves(n: number, formId?: string): void;
}

export async function startFakeKingdee(options: {
  acctId: string;
  username: string;
  password: string;
  orgs?: string[];
  materials?: string[];
  units?: string[];
  stocks?: string[];
}): Promise<FakeKingdee> {
  const sessions = new Set<string>();
  const orgs = new Set(options.orgs ?? ['100']);
  const materials = new Set(options.materials ?? []);
  const units = new Set(options.units ?? ['pcs', 'kg', 'Pcs']);
  const stocks = new Set(options.stocks ?? []);
  const bills: KingdeeBill[] = [];
  let failing = 0;
  let failingForm: string | undefined;

  const refused = (errors: { FieldName: string | null; Message: string }[], msgCode = 0) => ({
    body: {
      Result: {
        ResponseStatus: {
          ErrorCode: 500,
          IsSuccess: false,
          MsgCode: msgCode,
          Errors: errors.map((e) => ({ ...e, DIndex: 0 })),
          SuccessEntitys: [],
          SuccessMessages: [],
        },
        Id: '',
        Number: '',
        NeedReturnData: [],
      },
    },
  });

  const sessionOf = (cookie: string | undefined) => /kdservice-sessionid=([^;\s]+)/.exec(cookie ?? '')?.[1];

  const server = await startFakeServer((req) => {
    if (req.method !== 'POST') return { status: 405, body: 'POST only' };
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (req.path === PATH.login) {
      const [acctID, username, password] = Array.isArray(body.parameters)
        ? body.parameters
        : [body.acctID, body.username ?? body.userName, body.password];
      if (acctID !== options.acctId) return { body: { LoginResultType: 0, Message: `数据中心 ${String(acctID)} 不存在`, Context: null } };
      if (username !== options.username || password !== options.password)
        return { body: { LoginResultType: 0, Message: '用户名或密码错误！', Context: null } };
      const id = randomUUID();
      sessions.add(id);
      return {
        headers: { 'set-cookie': [`kdservice-sessionid=${id}; path=/`, `ASP.NET_SessionId=${randomUUID()}; path=/; HttpOnly`] },
        body: {
          Message: null,
          MessageCode: 'CheckPasswordPolicy',
          LoginResultType: 1,
          Context: { UserName: username, DBid: acctID, SessionId: id },
        },
      };
    }
    const session = sessionOf(req.headers.cookie);
    if (!session || !sessions.has(session)) return refused([{ FieldName: null, Message: '会话信息已丢失，请重新登录' }], 1);
    if (req.path === PATH.query) {
      const data = (typeof body.data === 'string' ? JSON.parse(body.data) : body.data) as
        | { FormId?: string; FilterString?: string }
        | undefined;
      const wanted = /FBillNo\s*=\s*'([^']*)'/i.exec(data?.FilterString ?? '')?.[1];
      return {
        body: bills.filter((b) => b.formId === data?.FormId && (wanted === undefined || b.number === wanted)).map((b) => [b.number]),
      };
    }
    if (req.path !== PATH.save) return { status: 404, body: 'not found' };
    const formId = String(body.formid ?? body.FormId ?? '');
    if (failing > 0 && (failingForm === undefined || failingForm === formId)) {
      failing -= 1;
      return { status: 500, body: 'Internal Server Error' };
    }
    const form = FORMS[formId];
    if (!form) return refused([{ FieldName: null, Message: `表单 ${formId} 不存在` }]);
    const data = (typeof body.data === 'string' ? JSON.parse(body.data) : body.data) as Record<string, unknown> | undefined;
    const model = data?.Model as Record<string, any> | undefined;
    if (!model) return refused([{ FieldName: null, Message: 'Model 不能为空' }]);
    const errors: { FieldName: string; Message: string }[] = [];
    if (model.FBillTypeID?.FNUMBER !== form.billType && model.FBillTypeID?.FNumber !== form.billType)
      errors.push({ FieldName: 'FBillTypeID', Message: `单据类型必须为 ${form.billType}` });
    if (!/^\d{4}-\d{2}-\d{2}/.test(String(model.FDate ?? ''))) errors.push({ FieldName: 'FDate', Message: '字段“日期”是必填项' });
    if (!orgs.has(model.FStockOrgId?.FNumber))
      errors.push({ FieldName: 'FStockOrgId', Message: `库存组织 ${model.FStockOrgId?.FNumber} 不存在` });
    const entries = Array.isArray(model.FBillEntry) ? model.FBillEntry : [];
    if (entries.length === 0) errors.push({ FieldName: 'FBillEntry', Message: '单据体不能为空' });
    entries.forEach((e: any, i: number) => {
      const row = `第${i + 1}行`;
      if (!materials.has(e.FMaterialId?.FNumber))
        errors.push({ FieldName: 'FMaterialId', Message: `${row}物料编码 ${e.FMaterialId?.FNumber} 不存在` });
      if (!units.has(e.FUnitID?.FNumber)) errors.push({ FieldName: 'FUnitID', Message: `${row}单位 ${e.FUnitID?.FNumber} 不存在` });
      if (!stocks.has(e.FStockId?.FNumber)) errors.push({ FieldName: 'FStockId', Message: `${row}仓库 ${e.FStockId?.FNumber} 不存在` });
      const acct = num(e.FAcctQty);
      const count = num(e.FCountQty);
      const diff = num(e[form.qty]);
      const other = form.qty === 'FGainQty' ? 'FLossQty' : 'FGainQty';
      if (e[other] !== undefined) errors.push({ FieldName: other, Message: `${row}${formId} 没有字段 ${other}` });
      if (!(diff > 0)) errors.push({ FieldName: form.qty, Message: `${row}${form.qty === 'FGainQty' ? '盘盈' : '盘亏'}数量必须大于 0` });
      else if (Math.abs(acct + (form.qty === 'FGainQty' ? diff : -diff) - count) > 1e-9)
        errors.push({ FieldName: form.qty, Message: `${row}账存数量、盘点数量与${form.qty === 'FGainQty' ? '盘盈' : '盘亏'}数量不一致` });
    });
    const number = String(model.FBillNo ?? `${form.billType.slice(0, 2)}${String(bills.length + 1).padStart(6, '0')}`);
    if (bills.some((b) => b.formId === formId && b.number === number))
      errors.push({ FieldName: 'FBillNo', Message: `单据编号 ${number} 已存在` });
    if (errors.length) return refused(errors);
    const id = 100000 + bills.length + 1;
    bills.push({ formId, id, number, audited: data?.IsAutoSubmitAndAudit === true || data?.IsAutoSubmitAndAudit === 'true', model });
    return {
      body: {
        Result: {
          ResponseStatus: {
            IsSuccess: true,
            Errors: [],
            SuccessEntitys: [{ Id: id, Number: number, DIndex: 0 }],
            SuccessMessages: [],
            MsgCode: 0,
          },
          Id: id,
          Number: number,
          NeedReturnData: [{}],
        },
      },
    };
  });
  return {
    ...server,
    baseUrl: `${server.url}/k3cloud`,
    bills,
    materials,
    stocks,
    failNextSaves: (n, formId) => {
      failing = n;
      failingForm = formId;
    },
  };
}
