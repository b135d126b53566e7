/** Report schedules (cron, timezone), the warehouse policy and the digests. */
import { phrases } from '../phrase.ts';

const EXAMPLE = {
  en: 'e.g. "0 9 * * *" for 09:00 every day, "30 8 * * 1-5" for 08:30 on weekdays, "0 9 * * 1" for Mondays at 09:00',
  zh: '例如 "0 9 * * *" 表示每天 09:00，"30 8 * * 1-5" 表示工作日 08:30，"0 9 * * 1" 表示每周一 09:00',
};

/** The fields of a cron expression, as messages name them. */
const FIELDS: Record<string, { en: string; zh: string }> = {
  second: { en: 'second (0)', zh: '秒（0）' },
  minute: { en: 'minute (0-59)', zh: '分钟（0-59）' },
  hour: { en: 'hour (0-23)', zh: '小时（0-23）' },
  dayOfMonth: { en: 'day of month (1-31, L, 15W)', zh: '日（1-31、L、15W）' },
  month: { en: 'month (1-12 or jan-dec)', zh: '月（1-12 或 jan-dec）' },
  dayOfWeek: { en: 'day of week (0-7 or sun-sat; 0 and 7 are Sunday)', zh: '星期（0-7 或 sun-sat；0 和 7 都是周日）' },
};

export const scheduleTexts = phrases('schedules', {
  fieldCount: (expression: string, n: number) => ({
    en: `cron "${expression}" has ${n} field(s): write 5 — minute hour day-of-month month day-of-week — ${EXAMPLE.en}`,
    zh: `cron "${expression}" 有 ${n} 个字段：请写 5 个——分 时 日 月 星期——${EXAMPLE.zh}`,
  }),
  secondsNotZero: (expression: string) => ({
    en: `cron "${expression}": the seconds field must be 0 (reports go out on the minute); better leave it out and write 5 fields, ${EXAMPLE.en}`,
    zh: `cron "${expression}"：秒字段必须为 0（报表按整分钟发送）；最好省略秒，只写 5 个字段，${EXAMPLE.zh}`,
  }),
  invalid: (expression: string, problemsEn: string, problemsZh: string) => ({
    en: `cron "${expression}": ${problemsEn} — ${EXAMPLE.en}`,
    zh: `cron "${expression}"：${problemsZh}——${EXAMPLE.zh}`,
  }),
  badField: (field: string, value: string, impossible: string) => ({
    en: `the ${FIELDS[field]?.en ?? field} field "${value}" is not valid${impossible ? ' (that day never comes in the month given)' : ''}`,
    zh: `${FIELDS[field]?.zh ?? field}字段“${value}”无效${impossible ? '（所给月份中没有这一天）' : ''}`,
  }),
  otherProblem: (message: string) => ({ en: message, zh: `格式有误（${message}）` }),
  minuteNotNumber: (expression: string, minute: string) => ({
    en: `cron "${expression}": the minute field must be one number (reports go out at most once an hour), not "${minute}" — ${EXAMPLE.en}`,
    zh: `cron "${expression}"：分钟字段必须是一个数字（报表每小时最多发送一次），而不是“${minute}”——${EXAMPLE.zh}`,
  }),
  badTimezone: (timezone: string) => ({
    en: `unknown timezone "${timezone}": use an IANA name such as Asia/Shanghai, Asia/Singapore, Europe/Berlin or UTC`,
    zh: `未知时区“${timezone}”：请使用 IANA 时区名，例如 Asia/Shanghai、Asia/Singapore、Europe/Berlin 或 UTC`,
  }),
  badJob: (text: string) => ({
    en: `unknown report "${text}": use daily, weekly or monthly`,
    zh: `未知报表“${text}”：请用 daily（日报）、weekly（周报）或 monthly（月度库存结构报告）`,
  }),
  chatUnknown: (chat: string) => ({
    en: `chat ${chat} is unknown: the bot has not seen it yet (send it a message, then "bind WAREHOUSE digest")`,
    zh: `群聊 ${chat} 未知：机器人还没见过它（先在群里发一条消息，再发送“bind 仓库代码 digest”）`,
  }),
  chatUnbound: (chat: string) => ({
    en: `chat ${chat} is not bound to a warehouse: send "bind WAREHOUSE digest" in it first`,
    zh: `群聊 ${chat} 未绑定仓库：请先在群里发送“bind 仓库代码 digest”`,
  }),
  notDigestChat: (chat: string, warehouse: string) => ({
    en: `chat ${chat} is not a digest chat of ${warehouse}: send "bind ${warehouse} digest" in it first`,
    zh: `群聊 ${chat} 不是 ${warehouse} 的报表群：请先在群里发送“bind ${warehouse} digest”`,
  }),
  badChatRef: (text: string) => ({
    en: `chat "${text}" is not of the form platform:chat-id (e.g. web:demo-digest, telegram:-1001234567890)`,
    zh: `群聊“${text}”的格式应为 platform:chat-id（例如 web:demo-digest、telegram:-1001234567890）`,
  }),
});

export const policyTexts = phrases('policy', {
  badMoney: (label: string) => ({
    en: `${label} must be a non-negative decimal or "off"`,
    zh: `${label === 'tolerance value' ? '容差金额' : label === 'tolerance percent' ? '容差百分比' : label}必须是非负数，或填 "off" 关闭`,
  }),
  badThreshold: (label: string) => ({
    en: `${label} threshold must be a non-negative amount`,
    zh: `${label === 'finance' ? '财务' : label === 'manager' ? '管理层' : label}审批金额门槛必须是非负金额`,
  }),
  badCurrency: () => ({ en: 'currency must be a 3-letter ISO code such as CNY', zh: '币种必须是 3 个字母的 ISO 代码，例如 CNY' }),
  badSwitch: (field: string) => ({
    en: `${field} must be on or off`,
    zh: `${field === 'require account mapping' ? '强制科目映射' : field}必须是 on（开）或 off（关）`,
  }),
  badHours: (field: string) => ({
    en: `${field} must be a whole number of hours from 1 to 720`,
    zh: `${field === 'reviewSlaHours' ? '复核时限' : field === 'approvalSlaHours' ? '审批时限' : field}必须是 1 到 720 之间的整数小时`,
  }),
  invalid: (problemsEn: string, problemsZh: string) => ({ en: problemsEn, zh: `策略设置有误：${problemsZh}` }),
});

export const digestTexts = phrases('digest', {
  badNow: () => ({ en: 'the digest needs a valid "now" (and "since")', zh: '日报需要有效的 "now"（以及 "since"）时间' }),
  sinceAfterNow: (since: string, now: string) => ({
    en: `the digest's "since" (${since}) must be before its "now" (${now})`,
    zh: `日报的 "since"（${since}）必须早于 "now"（${now}）`,
  }),
  badWeekly: () => ({
    en: 'the weekly report needs a valid "now" (and a number of weeks)',
    zh: '周报需要有效的 "now" 时间（以及周数）',
  }),
});
