/** People, their roles and identities, warehouses and API credentials: who may do what, and where. */
import { roleLabels } from '../../../cards/i18n/roles.ts';
import { phrases, type Words } from '../phrase.ts';

/** A role's Chinese name (the card catalogue's), or the code itself when it is not a role. */
export const roleZh = (role: string): string => roleLabels('zh-CN')[role] ?? role;

/** Roles as a message names them: "supervisor or manager or admin" / "仓库主管或管理层或管理员". */
export function rolesWords(roles: readonly string[]): Words {
  return { en: roles.join(' or '), zh: roles.map(roleZh).join('或') };
}

/** What a refused person tried to do, in Chinese: the English `action` strings the services pass. */
const ACTIONS_ZH: Record<string, string> = {
  'start a stocktake': '发起盘点',
  'close counting': '结束点数',
  'record a count': '录入盘点数',
  'import a count sheet': '导入盘点表',
  'count on the phone': '用手机盘点',
  'add a photo': '添加照片',
  'bind a chat': '绑定群聊',
  'change the report schedule': '修改报表推送时间',
  'submit variances': '提交差异',
  'cancel a stocktake': '作废盘点',
  'reassign variances': '改派差异',
};
const actionZh = (action: string): string => ACTIONS_ZH[action] ?? action;

/** "stocktake ST-…" / "document PK-…" in Chinese. */
export function whatWords(what: string): Words {
  const match = /^(stocktake|document) (.+)$/.exec(what);
  if (!match) return { en: what, zh: what };
  return { en: what, zh: `${match[1] === 'stocktake' ? '盘点' : '单据'} ${match[2]}` };
}

export const peopleTexts = phrases('people', {
  notFound: (ref: string) => ({
    en: `person ${JSON.stringify(ref)} not found`,
    zh: `找不到人员“${ref}”`,
    advice: {
      cli: { en: '; add them with `stocktake people add <handle>`', zh: '，可用 `stocktake people add <账号>` 添加' },
      chat: { en: '; ask an admin to add them', zh: '，请让管理员先添加此人' },
    },
  }),
  badHandle: () => ({
    en: 'handle may contain only letters, digits, "_", "." and "-" (up to 32)',
    zh: '账号只能包含字母、数字、“_”、“.”和“-”（最多 32 个字符）',
  }),
  badName: () => ({
    en: 'name must be 1 to 100 characters',
    zh: '姓名须为 1 到 100 个字符',
  }),
  badIdentity: (text: string) => ({
    en: `identity "${text}" is not of the form platform:id (platforms: telegram, feishu, dingtalk, web, cli)`,
    zh: `身份“${text}”的格式应为 platform:id（平台：telegram、feishu、dingtalk、web、cli）`,
  }),
  identityTaken: (identity: string) => ({
    en: `identity ${identity} already belongs to another person`,
    zh: `身份 ${identity} 已属于另一个人`,
  }),
  noDirectIdentity: (handle: string, platform: string) => ({
    en: `${handle} has no ${platform} identity to get direct messages at`,
    zh: `${handle} 没有${platform}账号，无法接收私信`,
    advice: {
      cli: {
        en: `: add one with people add ${handle} --identity ${platform}:<id>`,
        zh: `：先用 people add ${handle} --identity ${platform}:<id> 添加`,
      },
      chat: { en: ': ask an admin to add it', zh: '：请管理员先添加该账号' },
      api: {
        en: `: add one with people add ${handle} --identity ${platform}:<id>`,
        zh: `：先用 people add ${handle} --identity ${platform}:<id> 添加`,
      },
    },
  }),
  badNotify: (text: string, platforms: string) => ({
    en: `"${text}" is not group or one of ${platforms}`,
    zh: `“${text}”不是 group（群聊），也不是 ${platforms} 之一`,
  }),
  badRole: (text: string, roles: string) => ({
    en: `role "${text}" is not one of ${roles}`,
    zh: `角色“${text}”不在 ${roles} 之中`,
  }),
  doesNotHold: (handle: string, role: string, warehouse: string) => ({
    en: `${handle} does not hold ${role} in ${warehouse}`,
    zh: `${handle} 在 ${warehouse} 没有${roleZh(role)}角色`,
  }),
  noRole: (handle: string, whatEn: string, whatZh: string) => ({
    en: `${handle} holds no role in the warehouse of ${whatEn}; ask an admin of that warehouse to grant you one`,
    zh: `${handle} 在${whatZh} 所属的仓库没有角色，请该仓库的管理员为你授予角色`,
  }),
  noRoleThere: (handle: string, action: string, rolesEn: string, rolesZh: string) => ({
    en: `${handle} may not ${action}: ${handle} holds no role in that warehouse (needs the role ${rolesEn} there)`,
    zh: `${handle} 不能${actionZh(action)}：${handle} 在该仓库没有角色（需要该仓库的${rolesZh}角色）`,
  }),
  needsRole: (handle: string, action: string, warehouse: string, rolesEn: string, rolesZh: string) => ({
    en: `${handle} may not ${action} in ${warehouse}: needs the role ${rolesEn}`,
    zh: `${handle} 不能在 ${warehouse} ${actionZh(action)}：需要${rolesZh}角色`,
  }),
});

export const warehouseTexts = phrases('warehouses', {
  notFound: (code: string) => ({
    en: `warehouse ${JSON.stringify(code)} not found`,
    zh: `找不到仓库“${code}”`,
    advice: {
      cli: { en: '; create it with `stocktake warehouse add <code>`', zh: '，可用 `stocktake warehouse add <代码>` 创建' },
      chat: { en: '; check the warehouse code', zh: '，请检查仓库代码' },
    },
  }),
  notFoundByKey: (key: string) => ({
    en: `warehouse ${JSON.stringify(key)} not found; give its code or id`,
    zh: `找不到仓库“${key}”，请填写仓库代码或 ID`,
  }),
  invalid: (problemsEn: string, problemsZh: string) => ({ en: `invalid warehouse: ${problemsEn}`, zh: `仓库信息有误：${problemsZh}` }),
  codeEmpty: () => ({ en: 'code is required', zh: '请填写代码' }),
  codeTooLong: () => ({ en: 'code is longer than 32 characters', zh: '代码超过 32 个字符' }),
  codeChars: () => ({
    en: 'code may contain only letters, digits, "_", "." and "-"',
    zh: '代码只能包含字母、数字、“_”、“.”和“-”',
  }),
  nameLength: () => ({ en: 'name must be 1 to 200 characters', zh: '名称须为 1 到 200 个字符' }),
  badTimezone: () => ({
    en: 'timezone is not an IANA timezone such as Asia/Shanghai',
    zh: '时区不是有效的 IANA 时区名（例如 Asia/Shanghai）',
  }),
});

export const credentialTexts = phrases('credentials', {
  badExpiry: () => ({ en: 'expiry must be a positive number of days', zh: '有效期必须是正数天数' }),
  notFound: (ref: string) => ({
    en: `credential ${JSON.stringify(ref)} not found; give its id or its prefix (stk_… / stl_…) as listed`,
    zh: `找不到凭据“${ref}”，请填写列表中的 ID 或前缀（stk_… / stl_…）`,
  }),
  ambiguousPrefix: (ref: string, n: number) => ({
    en: `the prefix ${ref} belongs to ${n} credentials; revoke by id (stocktake access list shows them)`,
    zh: `前缀 ${ref} 对应 ${n} 个凭据，请按 ID 吊销（\`stocktake access list\` 可查看）`,
  }),
});
