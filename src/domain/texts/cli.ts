/** The command line's own texts: its options, and what its commands print around the data. */
import { phrases } from '../phrase.ts';

export const cliTexts = phrases('cli', {
  badLang: (text: string) => ({ en: `--lang ${text}: use en or zh`, zh: `--lang ${text}：请用 en 或 zh` }),
  badRound: (text: string) => ({
    en: `--round ${text}: must be a whole number of 1 or more`,
    zh: `--round ${text}：必须是不小于 1 的整数`,
  }),
  badFormat: (format: string, formats: string) => ({
    en: `--format ${format}: use one of ${formats}`,
    zh: `--format ${format}：请用 ${formats} 之一`,
  }),
  xlsxToStdout: () => ({ en: 'XLSX is binary: give --out <file>', zh: 'XLSX 是二进制文件：请用 --out <文件> 指定输出文件' }),
  sayWhoYouAre: () => ({
    en: 'say who you are with --as <person> (a handle, or platform:id)',
    zh: '请用 --as <人员> 说明你是谁（账号，或 platform:id）',
  }),
  timezoneWithCron: (word: string) => ({
    en: `--timezone goes with a cron expression, not with "${word}"`,
    zh: `--timezone 只能与 cron 表达式一起使用，不能与“${word}”一起用`,
  }),
  onlyDiffBlind: (who: string, code: string) => ({
    en: `${who} may not use --only-diff on ${code}: it is a blind count, and counters see no variances until counting closes`,
    zh: `${who} 不能在 ${code} 上使用 --only-diff：这是盲盘，点数结束前盘点员看不到差异`,
  }),
  recountFileIsDirectory: (path: string) => ({
    en: `--recount-file ${path} is a directory; give a file name, e.g. ${path}/demo-recount.csv`,
    zh: `--recount-file ${path} 是一个文件夹，请给出文件名，例如 ${path}/demo-recount.csv`,
  }),
  recountFileFolder: (path: string, folder: string) => ({
    en: `--recount-file ${path}: the folder ${folder} does not exist or is not writable`,
    zh: `--recount-file ${path}：文件夹 ${folder} 不存在或不可写`,
  }),
  badExpiresDays: (text: string, problemEn: string, problemZh: string) => ({
    en: `--expires-days ${text}: ${problemEn}`,
    zh: `有效期 --expires-days ${text}：${problemZh}`,
  }),
  daysNotNumber: () => ({ en: 'must be a number of days', zh: '必须是天数' }),
  daysNotPositive: () => ({ en: 'must be more than 0 days', zh: '必须大于 0 天' }),
  daysTooMany: () => ({ en: 'must be at most 3650 days (10 years)', zh: '最多 3650 天（10 年）' }),
  badBaseUrl: (source: string) => ({
    en: `${source}: must be an http:// or https:// URL such as https://stock.example.com`,
    zh: `${source}：必须是 http:// 或 https:// 开头的网址，例如 https://stock.example.com`,
  }),
  baseUrlProblem: () => ({
    en: 'must be an http:// or https:// URL such as https://stock.example.com',
    zh: '必须是 http:// 或 https:// 开头的网址，例如 https://stock.example.com',
  }),
  badReport: (text: string) => ({
    en: `unknown report "${text}": use daily, weekly or monthly`,
    zh: `未知报表“${text}”：请用 daily（日报）、weekly（周报）或 monthly（月度库存结构报告）`,
  }),
  badNow: (text: string) => ({
    en: `--now ${text}: give an ISO 8601 time with its offset, e.g. 2026-11-26T09:00+08:00 or 2026-11-26T01:00Z`,
    zh: `--now ${text}：请给出带时区偏移的 ISO 8601 时间，例如 2026-11-26T09:00+08:00 或 2026-11-26T01:00Z`,
  }),
  notDigestChat: (chat: string, warehouse: string) => ({
    en: `chat ${chat} is not a digest chat${warehouse ? ` of ${warehouse}` : ''}: bind it with "bind WAREHOUSE digest" in the chat`,
    zh: `群聊 ${chat} 不是${warehouse ? ` ${warehouse} 的` : ''}报表群：请在该群里发送“bind 仓库代码 digest”绑定`,
  }),
  goesWithDryRun: (option: string) => ({
    en: `${option} goes with --dry-run (a report sent to a chat speaks the chat's language)`,
    zh: `${option} 只能与 --dry-run 一起使用（发到群里的报表使用该群的语言）`,
  }),
  noDigestChats: (warehouse: string) => ({
    en: `no digest chats${warehouse ? ` for ${warehouse}` : ''}: bind one with "bind WAREHOUSE digest" in a chat, or print the report with --dry-run`,
    zh: `${warehouse ? `${warehouse} ` : ''}没有报表群：请在群里发送“bind 仓库代码 digest”绑定一个，或用 --dry-run 打印报表`,
  }),
  noWarehouses: () => ({
    en: 'no warehouses yet: add one with `stocktake warehouse add <code>` (or load the demo: `stocktake demo`)',
    zh: '还没有仓库：请用 `stocktake warehouse add <代码>` 添加（或加载演示数据：`stocktake demo`）',
  }),
  // What `stocktake report` prints.
  reportQueued: (kind: string, warehouse: string, chat: string) => ({
    en: `Queued the ${kind === 'daily' ? 'daily digest' : 'weekly report'} of ${warehouse} for ${chat}.`,
    zh: `已为 ${chat} 排队发送 ${warehouse} 的${kind === 'daily' ? '日报' : '周报'}。`,
  }),
  reportNotSent: (chat: string, outcome: string, warehouse: string) => ({
    en: `Nothing sent to ${chat}: ${outcome} (${warehouse}).`,
    zh: `未向 ${chat} 发送：${outcome}（${warehouse}）。`,
  }),
  reportDelivery: () => ({
    en: 'A running `npm start` delivers it within seconds (on the embedded database: when it next starts; with DATABASE_URL any running instance does).',
    zh: '正在运行的 `npm start` 会在几秒内送达（使用内置数据库时：在它下次启动时；使用 DATABASE_URL 时：任何运行中的实例都会送达）。',
  }),
  reportEmpty: (kind: string, warehouse: string) => ({
    en: `(Nothing to report: a scheduled ${kind} report would not be sent to ${warehouse}'s digest chats.)`,
    zh: `（没有可报告的内容：定时${kind === 'daily' ? '日报' : kind === 'weekly' ? '周报' : kind}不会发到 ${warehouse} 的报表群。）`,
  }),
  chartsWritten: () => ({ en: 'Charts written:', zh: '已写入图表：' }),
  noCharts: () => ({ en: 'No charts.', zh: '没有图表。' }),
});
