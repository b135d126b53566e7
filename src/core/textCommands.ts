/**
 * The words the bot understands, in slash form, plain words and Chinese: "/status", "status", "状态".
 * Parsing only: the dispatcher decides what each command does.
 */
export type TextCommand =
  | { name: 'help' }
  | { name: 'bind'; warehouse: string | null; purpose: string }
  /** "new blind", "新盘点 盲盘", "盲盘": a blind count (counters see no book figures while counting). */
  | { name: 'new'; blind: boolean; scope?: ScopeArgs }
  | { name: 'status' }
  | { name: 'report' }
  | { name: 'variances'; page: number }
  | { name: 'count'; sku: string; location: string; qty: string }
  | { name: 'countUsage' }
  /** "count A-100 R1 -1": a count is what is there, never below zero. */
  | { name: 'countNegative'; qty: string }
  | { name: 'close' }
  | { name: 'submit' }
  /** "cancel REASON" / "撤销 原因": cancels the stocktake in progress (before anything is posted). */
  | { name: 'cancel'; reason: string }
  | { name: 'cancelUsage' }
  /** "void SHEET REASON" / "作废 盘点表 原因": voids a count sheet (file name or import id) while counting. */
  | { name: 'void'; sheet: string; reason: string }
  | { name: 'voidUsage' }
  | { name: 'lang'; locale: string | null; mine?: boolean }
  /** "me" / "我的绩效": the sender's own performance figures (绩效) in the chat's warehouse. */
  | { name: 'me' }
  /** "schedule" shows; "schedule daily 0 9 * * * [TZ]" sets; "schedule [daily|weekly] off|on" turns off or on. */
  | {
      name: 'schedule';
      job: 'daily' | 'weekly' | 'monthly' | null;
      action: 'show' | 'set' | 'off' | 'on';
      cron?: string;
      timezone?: string;
    }
  | { name: 'scheduleUsage' }
  /** "link CODE" / "绑定账号 CODE": links the sending chat account to the person an admin made the code for. */
  | { name: 'link'; code: string }
  /** "sync PK-2026-0001" / "同步 PK-2026-0001": sends a posted document to its ERPs again (approvers, admins). */
  | { name: 'sync'; document: string | null }
  /** "cases 破损" / "案例 破损": searches the warehouse's case library; without words, its open cases. */
  | { name: 'cases'; query: string }
  /** "写成案例 LINE | title | what happened | action | owner | due": writes up an explained variance as a case. */
  | { name: 'caseAdd'; line: string; title: string; whatHappened: string; action: string; owner: string; due: string }
  | { name: 'caseAddUsage' }
  /** A tap sent as text (DingTalk link buttons): "tap TOKEN" or "tap TOKEN:OPTION". */
  | { name: 'tap'; token: string; option?: string }
  /** An input sent as text: "note TOKEN the text". */
  | { name: 'input'; token: string; text: string }
  | { name: 'unknown'; text: string };

const WORDS: Record<string, TextCommand['name']> = {
  help: 'help',
  start: 'help',
  '?': 'help',
  帮助: 'help',
  bind: 'bind',
  绑定: 'bind',
  new: 'new',
  新盘点: 'new',
  开始盘点: 'new',
  盲盘: 'new',
  status: 'status',
  状态: 'status',
  进度: 'status',
  report: 'report',
  报告: 'report',
  报表: 'report',
  variances: 'variances',
  variance: 'variances',
  差异: 'variances',
  count: 'count',
  recount: 'count',
  盘点: 'count',
  复盘: 'count',
  close: 'close',
  结束盘点: 'close',
  结束: 'close',
  submit: 'submit',
  提交: 'submit',
  cancel: 'cancel',
  撤销: 'cancel',
  取消盘点: 'cancel',
  void: 'void',
  作废: 'void',
  me: 'me',
  我的绩效: 'me',
  绩效: 'me',
  lang: 'lang',
  language: 'lang',
  语言: 'lang',
  schedule: 'schedule',
  定时: 'schedule',
  tap: 'tap',
  note: 'input',
  sync: 'sync',
  同步: 'sync',
  重试同步: 'sync',
  link: 'link',
  cases: 'cases',
  case: 'cases',
  案例: 'cases',
  案例库: 'cases',
  writeup: 'caseAdd',
  写成案例: 'caseAdd',
  绑定账号: 'link',
  关联账号: 'link',
};

/**
 * Every word that names a command, in both languages, and the command it names: for menus that list the
 * commands (Telegram's /setcommands list in README is checked against it).
 */
export const commandWords: Readonly<Record<string, TextCommand['name']>> = WORDS;

/**
 * A partial stocktake's arguments after "new": `loc=A-* class=A cat=parts sku=X,Y` (or 库位= 类= 品类= 物料=).
 * Absent when none is given.
 */
export interface ScopeArgs {
  locations?: string[];
  categories?: string[];
  classes?: string[];
  skus?: string[];
}
const SCOPE_KEYS: Record<string, keyof ScopeArgs> = {
  loc: 'locations',
  location: 'locations',
  locations: 'locations',
  库位: 'locations',
  cat: 'categories',
  category: 'categories',
  品类: 'categories',
  class: 'classes',
  abc: 'classes',
  类: 'classes',
  sku: 'skus',
  skus: 'skus',
  物料: 'skus',
};

function scopeArgs(words: string[]): ScopeArgs | undefined {
  const out: ScopeArgs = {};
  for (const w of words) {
    const m = /^([^=:：]+)[=:：](.+)$/.exec(w);
    const key = m ? SCOPE_KEYS[m[1]!.toLowerCase()] : undefined;
    if (!m || !key) continue;
    out[key] = [...(out[key] ?? []), ...m[2]!.split(/[,，、]/)];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** What after "new" makes it a blind count. */
const BLIND_WORDS = new Set(['blind', '盲盘', '盲']);

const PURPOSES: Record<string, string> = {
  team: 'team',
  作业: 'team',
  作业群: 'team',
  approvals: 'approvals',
  approval: 'approvals',
  审批: 'approvals',
  审批群: 'approvals',
  digest: 'digest',
  日报: 'digest',
  日报群: 'digest',
};

const SCHEDULE_JOBS: Record<string, 'daily' | 'weekly' | 'monthly'> = {
  daily: 'daily',
  day: 'daily',
  日报: 'daily',
  每日: 'daily',
  每天: 'daily',
  weekly: 'weekly',
  week: 'weekly',
  周报: 'weekly',
  每周: 'weekly',
  monthly: 'monthly',
  month: 'monthly',
  月报: 'monthly',
  每月: 'monthly',
};
const SWITCHES: Record<string, 'off' | 'on'> = { off: 'off', 关闭: 'off', 关: 'off', on: 'on', 开启: 'on', 打开: 'on', 开: 'on' };
/** A trailing timezone after the cron fields: an IANA name (Area/City) or UTC. Cron fields never look like one. */
const TIMEZONE = /^(UTC|GMT|Etc\/[A-Za-z0-9+-]+|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+)$/;

function parseSchedule(rest: string[]): TextCommand {
  if (rest.length === 0) return { name: 'schedule', job: null, action: 'show' };
  const first = rest[0]!.toLowerCase();
  if (SWITCHES[first] && rest.length === 1) return { name: 'schedule', job: null, action: SWITCHES[first]! };
  const job = SCHEDULE_JOBS[first];
  if (!job) return { name: 'scheduleUsage' };
  if (rest.length === 1) return { name: 'schedule', job, action: 'show' };
  const second = SWITCHES[rest[1]!.toLowerCase()];
  if (second && rest.length === 2) return { name: 'schedule', job, action: second };
  const fields = rest.slice(1);
  const timezone = fields.length > 1 && TIMEZONE.test(fields[fields.length - 1]!) ? fields.pop()! : undefined;
  return { name: 'schedule', job, action: 'set', cron: fields.join(' '), ...(timezone ? { timezone } : {}) };
}

/** Full-width digits and signs as typed on Chinese keyboards → ASCII. */
const ascii = (s: string) => s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');

export function parseTextCommand(raw: string): TextCommand {
  const text = ascii(raw).trim();
  const [head = '', ...rest] = text.split(/\s+/);
  // Telegram appends the bot's name in groups: /status@stocktake_bot.
  const word = head.replace(/^\//, '').replace(/@\S+$/, '').toLowerCase();
  const name = WORDS[word];
  switch (name) {
    case undefined:
      return { name: 'unknown', text: raw.trim().slice(0, 100) };
    case 'new': {
      const scope = scopeArgs(rest);
      return { name: 'new', blind: word === '盲盘' || BLIND_WORDS.has((rest[0] ?? '').toLowerCase()), ...(scope ? { scope } : {}) };
    }
    case 'bind':
      return { name: 'bind', warehouse: rest[0] ?? null, purpose: PURPOSES[(rest[1] ?? 'team').toLowerCase()] ?? rest[1] ?? 'team' };
    case 'variances': {
      const page = Number.parseInt(rest[0] ?? '1', 10);
      return { name: 'variances', page: Number.isFinite(page) && page > 0 ? page : 1 };
    }
    case 'count': {
      if (rest.length < 2 || rest.length > 3) return { name: 'countUsage' };
      const qty = rest[rest.length - 1]!.replace(/,/g, '');
      if (/^[-−－]\d+([.．]\d+)?$/.test(qty.normalize('NFKC'))) return { name: 'countNegative', qty };
      if (!/^\d+(\.\d+)?$/.test(qty)) return { name: 'countUsage' };
      return { name: 'count', sku: rest[0]!, location: rest.length === 3 ? rest[1]! : '', qty };
    }
    case 'cancel':
      return rest.length === 0 ? { name: 'cancelUsage' } : { name: 'cancel', reason: rest.join(' ') };
    case 'void':
      return rest.length < 2 ? { name: 'voidUsage' } : { name: 'void', sheet: rest[0]!, reason: rest.slice(1).join(' ') };
    case 'lang':
      // `lang me zh` (语言 我 中文): the sender's own language, in every chat; `lang me auto`: the chat's again.
      if (['me', 'my', 'mine', '我', '我的'].includes((rest[0] ?? '').toLowerCase()))
        return { name: 'lang', locale: rest[1] ?? null, mine: true };
      return { name: 'lang', locale: rest[0] ?? null };
    case 'schedule':
      return parseSchedule(rest);
    case 'tap': {
      const [token = '', option] = (rest[0] ?? '').split(':');
      return { name: 'tap', token, ...(option ? { option } : {}) };
    }
    case 'input':
      return { name: 'input', token: rest[0] ?? '', text: rest.slice(1).join(' ') };
    case 'link':
      return { name: 'link', code: rest.join('') };
    case 'sync':
      return { name: 'sync', document: rest[0] ?? null };
    case 'cases':
      return { name: 'cases', query: rest.join(' ') };
    case 'caseAdd': {
      // Fields are separated by "|" (or a full-width "｜", made ASCII above): a title or an action has spaces.
      const fields = rest
        .join(' ')
        .split('|')
        .map((f) => f.trim());
      if (fields.length !== 6 || fields.some((f) => !f)) return { name: 'caseAddUsage' };
      const [line, title, whatHappened, action, owner, due] = fields as [string, string, string, string, string, string];
      return { name: 'caseAdd', line, title, whatHappened, action, owner: owner.replace(/^@/, ''), due };
    }
    default:
      return { name } as TextCommand;
  }
}
