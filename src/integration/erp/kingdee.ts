/**
 * 金蝶云星空 (Kingdee K/3 Cloud) WebAPI: log in (AuthService.ValidateUser, session cookie
 * kdservice-sessionid), then DynamicFormService.Save a 盘盈单 (STK_StockCountGain, bill type PY01_SYS) or a
 * 盘亏单 (STK_StockCountLoss, PK01_SYS), audited at once with IsAutoSubmitAndAudit. The answer is
 * Result.ResponseStatus { IsSuccess, Errors[{ FieldName, Message }], SuccessEntitys[{ Id, Number }] }.
 * Our document number (with `billNoPrefix`) is the bill's FBillNo, so a repeated send is refused by Kingdee's unique bill number
 * instead of doubling the adjustment; before saving we look the number up and answer with the existing
 * bill when a previous attempt got through.
 */
import type { DocumentPayload } from '../payload.ts';
import { mapLocation, mapSku, mapUnit, type KingdeeConfig } from './config.ts';
import { ErpError } from './errors.ts';
import { erpFetch, retryableStatus, snippet } from './http.ts';
import { secretFrom, type Env } from './secrets.ts';
import { absDecimal, subtractDecimal } from './numbers.ts';

const SERVICE = {
  login: 'Kingdee.BOS.WebApi.ServicesStub.AuthService.ValidateUser.common.kdsvc',
  save: 'Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.Save.common.kdsvc',
  query: 'Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.ExecuteBillQuery.common.kdsvc',
} as const;

export const KINGDEE_FORMS = {
  gain: { formId: 'STK_StockCountGain', billType: 'PY01_SYS', qtyField: 'FGainQty' },
  loss: { formId: 'STK_StockCountLoss', billType: 'PK01_SYS', qtyField: 'FLossQty' },
} as const;

interface Session {
  cookie: string;
}

/** Logs in; a refused login is not retryable (wrong account set, user or password). */
export async function login(config: KingdeeConfig, env: Env): Promise<Session> {
  const password = secretFrom('kingdee', env, config.passwordEnv);
  const res = await erpFetch('kingdee', `${config.baseUrl}/${SERVICE.login}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ acctID: config.acctId, username: config.username, password, lcid: config.lcid }),
  });
  if (res.status !== 200)
    throw new ErpError('kingdee', `login: HTTP ${res.status} ${snippet(res.text)}`, { retryable: retryableStatus(res.status) });
  const body = res.json as { LoginResultType?: number; Message?: string | null } | null;
  if (body?.LoginResultType !== 1) {
    throw new ErpError('kingdee', `login refused: ${body?.Message ?? snippet(res.text)}`, { retryable: false });
  }
  const session = /kdservice-sessionid=([^;,\s]+)/i.exec(res.headers.get('set-cookie') ?? '');
  if (!session) throw new ErpError('kingdee', 'login answered without a kdservice-sessionid cookie', { retryable: false });
  return { cookie: `kdservice-sessionid=${session[1]}` };
}

/** The Save body's Model for a document: header and one FBillEntry row per line. */
export function kingdeeModel(doc: DocumentPayload, config: KingdeeConfig): Record<string, unknown> {
  const form = KINGDEE_FORMS[doc.type];
  const owner = config.owner ?? config.stockOrg;
  const stock = config.stock ?? doc.warehouse;
  return {
    FBillNo: `${config.billNoPrefix}${doc.number}`,
    FDate: doc.postingDate,
    FBillTypeID: { FNUMBER: form.billType },
    FStockOrgId: { FNumber: config.stockOrg },
    FOwnerTypeIdHead: 'BD_OwnerOrg',
    FOwnerIdHead: { FNumber: owner },
    FNoteHead: `${doc.warehouse} ${doc.stocktake} ${doc.number}`,
    FBillEntry: doc.lines.map((l) => {
      const delta = absDecimal(l.qtyDelta);
      return {
        FMaterialId: { FNumber: mapSku(config, l.sku) },
        FUnitID: { FNumber: mapUnit(config, l.unit) },
        FStockId: { FNumber: stock },
        ...(config.locationField && l.location
          ? { FStockLocId: { [config.locationField.toUpperCase()]: { FNumber: mapLocation(config, l.location) } } }
          : {}),
        ...(l.lot ? { FLot: { FNumber: l.lot } } : {}),
        ...(l.expiry ? { FExpiryDate: l.expiry } : {}),
        FOwnerTypeId: 'BD_OwnerOrg',
        FOwnerId: { FNumber: owner },
        // 账存 = 盘点 − 盘盈 (or + 盘亏): the three agree as Kingdee checks them.
        FAcctQty: subtractDecimal(l.countedQty, l.qtyDelta),
        FCountQty: l.countedQty,
        [form.qtyField]: delta,
        FNote: [l.causeLabel.zh, l.note].filter(Boolean).join('；'),
      };
    }),
  };
}

interface SaveResult {
  Result?: {
    ResponseStatus?: {
      IsSuccess?: boolean;
      MsgCode?: number;
      Errors?: { FieldName?: string | null; Message?: string }[];
      SuccessEntitys?: { Id?: number | string; Number?: string }[];
    };
    Number?: string;
  };
}

/** The bill already saved under our number by an earlier attempt, if any. */
async function existingBill(config: KingdeeConfig, session: Session, formId: string, number: string): Promise<string | null> {
  const res = await erpFetch('kingdee', `${config.baseUrl}/${SERVICE.query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: session.cookie },
    body: JSON.stringify({
      data: { FormId: formId, FieldKeys: 'FBillNo', FilterString: `FBillNo='${number.replace(/'/g, "''")}'`, TopRowCount: 1 },
    }),
  });
  if (res.status !== 200)
    throw new ErpError('kingdee', `ExecuteBillQuery: HTTP ${res.status} ${snippet(res.text)}`, { retryable: retryableStatus(res.status) });
  // Rows are arrays of the FieldKeys; a refusal comes back as [[{ Result: { ResponseStatus } }]].
  const rows = Array.isArray(res.json) ? (res.json as unknown[][]) : [];
  const first = rows[0]?.[0];
  return typeof first === 'string' ? first : null;
}

/** Saves (and audits) the document as a 盘盈单 or 盘亏单; the external ref is Kingdee's bill number. */
export async function send(doc: DocumentPayload, config: KingdeeConfig, env: Env): Promise<{ externalRef: string }> {
  const session = await login(config, env);
  const form = KINGDEE_FORMS[doc.type];
  const earlier = await existingBill(config, session, form.formId, `${config.billNoPrefix}${doc.number}`);
  if (earlier) return { externalRef: earlier };
  const res = await erpFetch('kingdee', `${config.baseUrl}/${SERVICE.save}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: session.cookie },
    body: JSON.stringify({
      formid: form.formId,
      data: { NeedUpDateFields: [], IsDeleteEntry: true, IsAutoSubmitAndAudit: config.autoAudit, Model: kingdeeModel(doc, config) },
    }),
  });
  if (res.status !== 200)
    throw new ErpError('kingdee', `Save: HTTP ${res.status} ${snippet(res.text)}`, { retryable: retryableStatus(res.status) });
  const status = (res.json as SaveResult | null)?.Result?.ResponseStatus;
  if (!status) throw new ErpError('kingdee', `Save: unexpected answer ${snippet(res.text)}`, { retryable: false });
  if (!status.IsSuccess) {
    const messages = (status.Errors ?? []).map((e) => (e.FieldName ? `${e.FieldName}: ${e.Message}` : (e.Message ?? ''))).filter(Boolean);
    // MsgCode 1: the session was lost (a server restart); the next attempt logs in again.
    throw new ErpError('kingdee', messages.join('; ') || 'Save refused without a message', { retryable: status.MsgCode === 1 });
  }
  const number = status.SuccessEntitys?.[0]?.Number ?? (res.json as SaveResult).Result?.Number;
  if (!number) throw new ErpError('kingdee', 'Save succeeded without a bill number', { retryable: false });
  return { externalRef: number };
}

/** Checks the configuration by logging in. */
export async function test(config: KingdeeConfig, env: Env): Promise<string> {
  await login(config, env);
  return `logged in to account set ${config.acctId} as ${config.username}`;
}
