/** Administration: who may manage whom, platform identities, and the link codes that attach a chat account. */
import { phrases } from '../phrase.ts';

export const adminTexts = phrases('admin', {
  badIdentity: (text: string) => ({
    en: `identity "${text}" is not of the form platform:id (platforms: telegram, feishu, dingtalk, web, cli)`,
    zh: `身份“${text}”的格式应为 平台:ID（平台：telegram、feishu、dingtalk、web、cli）`,
  }),
  cliIdentityStays: (identity: string, handle: string) => ({
    en: `${identity} is how ${handle} is known to the command line; it cannot be removed`,
    zh: `${identity} 是 ${handle} 在命令行中的身份，不能删除`,
  }),
  noSuchIdentity: (handle: string, identity: string) => ({
    en: `${handle} has no identity ${identity}`,
    zh: `${handle} 没有身份 ${identity}`,
  }),
  adminsOnly: (who: string) => ({
    en: `${who} may not manage people: only admins may`,
    zh: `${who} 不能管理人员：只有管理员可以`,
  }),
  notAdminOver: (who: string, target: string, warehouses: string) => ({
    en: `${who} may not manage ${target}, who holds roles in ${warehouses}: only an admin of ${warehouses} may`,
    zh: `${who} 不能管理 ${target}：此人在 ${warehouses} 有角色，只有 ${warehouses} 的管理员可以`,
  }),
  warehouseAdminsOnly: (warehouse: string) => ({
    en: `Only an admin of ${warehouse} may change this.`,
    zh: `只有 ${warehouse} 的管理员可以更改此项。`,
  }),
  linkCodeUnusable: (minutes: number) => ({
    en: `That code is unknown, already used or expired (a code works once, for ${minutes} minutes). Ask an admin for a new one.`,
    zh: `该绑定码无效、已使用或已过期（每个绑定码只能用一次，${minutes} 分钟内有效）。请向管理员索取新的绑定码。`,
  }),
  linkTooManyTries: (minutes: number) => ({
    en: `Too many wrong codes from this account: nothing was checked. Try again in ${minutes} minutes, with the code exactly as the console shows it.`,
    zh: `此账号输错绑定码的次数过多，本次未校验。请在 ${minutes} 分钟后，按控制台显示的绑定码原样再试。`,
  }),
  linkPaused: (minutes: number) => ({
    en: `Too many wrong codes were sent lately, so linking is paused: nothing was checked. Try again in ${minutes} minutes.`,
    zh: `近期收到的错误绑定码过多，绑定已暂停，本次未校验。请在 ${minutes} 分钟后再试。`,
  }),
  credentialNotFound: (ref: string) => ({
    en: `credential "${ref}" not found; it may have been removed: reload the list`,
    zh: `找不到凭据“${ref}”，可能已被删除：请刷新列表`,
  }),
  alreadyLinked: (identity: string) => ({
    en: `${identity} is already linked to someone; nothing was changed`,
    zh: `${identity} 已绑定到其他人员，未做任何更改`,
  }),
});
