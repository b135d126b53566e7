import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { stateLabels } from '../../../cards/i18n/states.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import type { ChatLocale } from '../../services/chats.ts';
import { demoNextSteps, demoRecountSheet, loadDemo, type DemoSummary } from '../../services/demo.ts';
import { localTime, renderTable } from '../format.ts';
import type { CliRunner } from '../main.ts';
import { cliTexts } from '../../domain/texts/cli.ts';

function parseLang(text: string): ChatLocale {
  const lang = text.trim().toLowerCase();
  if (lang === 'en') return 'en';
  if (lang === 'zh' || lang === 'zh-cn') return 'zh-CN';
  throw new InvalidInputError(cliTexts.badLang(text));
}

/** Refuses a path the recount sheet could not be written to, before any demo data is made. */
function checkWritable(path: string): string {
  const full = resolve(path);
  let isDirectory = false;
  try {
    isDirectory = statSync(full).isDirectory();
  } catch {
    // Does not exist yet: its folder must.
  }
  if (isDirectory) throw new InvalidInputError(cliTexts.recountFileIsDirectory(path));
  try {
    accessSync(dirname(full), constants.W_OK);
  } catch {
    throw new InvalidInputError(cliTexts.recountFileFolder(path, dirname(full)));
  }
  return full;
}

const TEXT = {
  en: {
    loaded: (s: DemoSummary) =>
      `Demo loaded: warehouse ${s.warehouse.code} ${s.warehouse.name} (${s.warehouse.timezone}), stocktake ${s.stocktake.code} ${stateLabels('en').stocktake[s.stocktake.status]}, book frozen at ${localTime(s.stocktake.snapshotAt, s.warehouse.timezone)}.`,
    lines: (s: DemoSummary) => {
      const l = s.stocktake.lines;
      const v = s.stocktake.variances;
      return `  ${l.total} lines: ${l.counted} counted, ${l.verified} verified, ${l.conflict} in conflict (${s.stocktake.conflicts.join(', ')}); so far ${v.gain} gain (${v.gainValue}), ${v.loss} loss (${v.lossValue}), ${v.match} match.`;
    },
    history: ({ history: h }: DemoSummary) =>
      `  The year before: ${h.movements} movements, ${h.stocktakes.length} posted stocktakes (${h.stocktakes.join(', ')}), case ${h.case}, cycle-count plan A every ${h.plan.days.A} days, B ${h.plan.days.B}, C ${h.plan.days.C}.`,
    people: "People (choose one in the console's person menu):",
    chats: 'Console chats:',
    headers: { people: ['handle', 'name', 'identity', 'roles in DEMO'], chats: ['chat', 'purpose', 'language'] },
    written: (s: DemoSummary, path: string) =>
      `Recount sheet ${s.recount.fileName} (counted by ${s.recount.counter}, round ${s.recount.round}) written to ${path}.`,
    notWritten: (s: DemoSummary, text: string) =>
      `Recount sheet ${s.recount.fileName} (counted by ${s.recount.counter}, round ${s.recount.round}) was not written (use --recount-file PATH); it reads: ${text}`,
    next: 'Next:',
  },
  'zh-CN': {
    loaded: (s: DemoSummary) =>
      `演示数据已加载：仓库 ${s.warehouse.code} ${s.warehouse.name}（${s.warehouse.timezone}），盘点任务 ${s.stocktake.code}（${stateLabels('zh-CN').stocktake[s.stocktake.status]}），账面冻结于 ${localTime(s.stocktake.snapshotAt, s.warehouse.timezone)}。`,
    lines: (s: DemoSummary) => {
      const l = s.stocktake.lines;
      const v = s.stocktake.variances;
      return `  共 ${l.total} 行：已盘 ${l.counted}，已核实 ${l.verified}，冲突 ${l.conflict}（${s.stocktake.conflicts.join('、')}）；目前盘盈 ${v.gain} 行（${v.gainValue}），盘亏 ${v.loss} 行（${v.lossValue}），一致 ${v.match} 行。`;
    },
    history: ({ history: h }: DemoSummary) =>
      `  此前一年：${h.movements} 条出入库记录，${h.stocktakes.length} 次已过账盘点（${h.stocktakes.join('、')}），案例 ${h.case}，周期盘点计划 A 类每 ${h.plan.days.A} 天、B 类 ${h.plan.days.B} 天、C 类 ${h.plan.days.C} 天。`,
    people: '人员（在控制台的人员菜单中选择）：',
    chats: '控制台群：',
    headers: { people: ['handle', '姓名', '身份', 'DEMO 中的角色'], chats: ['群', '用途', '语言'] },
    written: (s: DemoSummary, path: string) =>
      `复盘表 ${s.recount.fileName}（${s.recount.counter} 盘点，第 ${s.recount.round} 轮）已写入 ${path}。`,
    notWritten: (s: DemoSummary, text: string) =>
      `复盘表 ${s.recount.fileName}（${s.recount.counter} 盘点，第 ${s.recount.round} 轮）未写入文件（用 --recount-file PATH 写出）；内容为：${text}`,
    next: '接下来：',
  },
} as const;

function render(s: DemoSummary, recountPath: string | null): string {
  const t = TEXT[s.locale];
  const sheet = demoRecountSheet().bytes.toString('utf8').trim().split(/\r?\n/).join(' / ');
  return [
    t.loaded(s),
    t.lines(s),
    t.history(s),
    '',
    t.people,
    renderTable(
      [...t.headers.people],
      s.people.map((p) => [p.handle, p.name, p.identity, p.roles.join(', ')]),
    ),
    '',
    t.chats,
    renderTable(
      [...t.headers.chats],
      s.chats.map((c) => [`${c.platform}:${c.chatId}`, c.purpose, c.locale]),
    ),
    '',
    recountPath ? t.written(s, recountPath) : t.notWritten(s, sheet),
    '',
    t.next,
    ...s.nextSteps.map((step, i) => `  ${i + 1}. ${step}`),
  ].join('\n');
}

/** `stocktake demo`: loads the demo warehouse and prints who is who and what to do next. */
export function registerDemo(program: Command, run: CliRunner): void {
  program
    .command('demo')
    .description(
      'load demo data (warehouse DEMO, its people, console chats, a year of history and a stocktake with a conflict) and print the next steps',
    )
    .option('--lang <lang>', 'language of the console chats and of the steps: en or zh (default: STOCKTAKE_DEFAULT_LOCALE)')
    .option('--recount-file <path>', "also write the recount sheet that resolves the conflict (carol's round 2) to this file")
    .option('--json', 'machine-readable output')
    .action((opts: { lang?: string; recountFile?: string; json?: boolean }) =>
      run(opts, async (db, config) => {
        const locale = opts.lang ? parseLang(opts.lang) : config.STOCKTAKE_DEFAULT_LOCALE;
        const recountPath = opts.recountFile ? checkWritable(opts.recountFile) : null;
        const loaded = await loadDemo(db, { locale });
        if (recountPath) writeFileSync(recountPath, demoRecountSheet().bytes);
        const summary: DemoSummary = recountPath
          ? {
              ...loaded,
              nextSteps: demoNextSteps(locale, {
                stocktake: loaded.stocktake.code,
                consoleUrl: loaded.consoleUrl,
                recountPath,
                caseCode: loaded.history.case,
              }),
            }
          : loaded;
        return { data: { ...summary, recountFile: recountPath }, human: () => render(summary, recountPath) };
      }),
    );
}
