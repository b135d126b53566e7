/** The API and the dashboard's web server: signing in, hosts, limits, and what a refused request says. */
import { phrases } from '../phrase.ts';

export const httpTexts = phrases('http', {
  chooseWhoFirst: () => ({
    en: "choose who you are first (the console's person menu), or send an API key",
    zh: '请先选择你是谁（控制台的人员菜单），或发送 API 密钥',
  }),
  signInFirst: () => ({
    en: 'sign in with your sign-in link, or send an API key as "Authorization: Bearer stk_…"',
    zh: '请用你的登录链接登录，或以 "Authorization: Bearer stk_…" 发送 API 密钥',
  }),
  signInLinkFirst: () => ({ en: 'sign in with your sign-in link first', zh: '请先用你的登录链接登录' }),
  badApiKey: () => ({ en: 'the API key is unknown, revoked or expired', zh: 'API 密钥未知、已吊销或已过期' }),
  chooseOnlyLocal: () => ({
    en: 'choosing who you are is only possible on a server bound to 127.0.0.1; sign in with your sign-in link',
    zh: '只有在绑定 127.0.0.1 的服务器上才能直接选择身份，请用你的登录链接登录',
  }),
  uploadTooLarge: (limit: string) => ({
    en: `the upload is larger than the limit of ${limit} (STOCKTAKE_MAX_UPLOAD_MB); nothing was imported`,
    zh: `上传的文件超过 ${limit} 的上限（STOCKTAKE_MAX_UPLOAD_MB），未导入任何内容`,
  }),
  fileTooLarge: (file: string, limit: string) => ({
    en: `${file} is larger than the upload limit of ${limit} (STOCKTAKE_MAX_UPLOAD_MB); nothing was imported`,
    zh: `${file} 超过 ${limit} 的上传上限（STOCKTAKE_MAX_UPLOAD_MB），未导入任何内容`,
  }),
  bodyTooLarge: (limit: string) => ({
    en: `the request body is larger than the limit of ${limit}`,
    zh: `请求内容超过 ${limit} 的上限`,
  }),
  consoleOrigin: () => ({
    en: 'a change signed in by the console session must come from the console itself; scripts and other sites must send an API key ("Authorization: Bearer stk_…")',
    zh: '以控制台会话登录的修改必须来自控制台本身；脚本和其他网站请发送 API 密钥（"Authorization: Bearer stk_…"）',
  }),
  noRoute: (route: string, base: string) => ({
    en: `route ${JSON.stringify(route)} not found; see ${base}/openapi.json for the routes`,
    zh: `找不到接口“${route}”，可用接口见 ${base}/openapi.json`,
  }),
  blindFilters: (who: string, filters: string, code: string) => ({
    en: `${who} may not use ${filters} on ${code}: it is a blind count, and counters see no variances until counting closes`,
    zh: `${who} 不能在 ${code} 上使用 ${filters}：这是盲盘，点数结束前盘点员看不到差异`,
  }),
  oneOfStocktakeDocument: () => ({
    en: 'give exactly one of stocktake and document',
    zh: 'stocktake（盘点）和 document（单据）只能且必须填写其中一个',
  }),
  misdirectedHost: (host: string) => ({
    en: `this server does not answer to the host name "${host}" (a guard against DNS rebinding); if people reach it by that name, add it to STOCKTAKE_ALLOWED_HOSTS or set PUBLIC_URL`,
    zh: `此服务器不接受主机名 "${host}"（防止 DNS 重绑定）；如果用户通过该名称访问，请将其加入 STOCKTAKE_ALLOWED_HOSTS 或设置 PUBLIC_URL`,
  }),
  databaseUnavailable: (ref: string) => ({
    en: `the database is unavailable right now; nothing was changed. Try again in a few seconds (with the same Idempotency-Key); reference ${ref}`,
    zh: `数据库暂时不可用，未做任何修改。请几秒后重试（使用同一个 Idempotency-Key）；参考号 ${ref}`,
  }),
  fileNotFound: (file: string) => ({ en: `file ${JSON.stringify(file)} not found`, zh: `找不到文件“${file}”` }),
  pageNotBuilt: (file: string) => ({
    en: `file ${JSON.stringify(file)} not found; run \`npm run build\` to bundle the counting page`,
    zh: `找不到文件“${file}”，请运行 \`npm run build\` 打包盘点页面`,
  }),
  choosePerson: () => ({ en: 'choose a person', zh: '请选择人员' }),
  chooseWarehouse: () => ({ en: 'choose a warehouse', zh: '请选择仓库' }),
  chooseRole: (roles: string) => ({ en: `role must be one of ${roles}`, zh: `角色必须是 ${roles} 之一` }),
  badOp: () => ({ en: 'op must be grant or revoke', zh: 'op 必须是 grant（授予）或 revoke（收回）' }),
  mayNotChangeRoles: (who: string, warehouse: string) => ({
    en: `${who} may not change roles in ${warehouse}: only an admin of ${warehouse} may`,
    zh: `${who} 不能修改 ${warehouse} 的角色：只有 ${warehouse} 的管理员可以`,
  }),
  notACauseCode: () => ({ en: 'cause is not a cause code', zh: 'cause 不是有效的原因代码' }),
  badParameter: (name: string) => ({ en: `${name} is not valid`, zh: `${name} 的值无效` }),
  crossSite: () => ({
    en: "refused: a form may only be posted from this server's own pages (cross-site request)",
    zh: '已拒绝：表单只能从本服务器自己的页面提交（跨站请求）',
  }),
  internal: (ref: string) => ({ en: `internal error; reference ${ref}`, zh: `内部错误；参考号 ${ref}` }),
  badFilter: (problemsEn: string, problemsZh: string) => ({ en: `bad filter: ${problemsEn}`, zh: `筛选条件有误：${problemsZh}` }),
});
