import type { Command } from 'commander';
import { InvalidInputError } from '../../domain/errors.ts';
import { cliActor } from '../../services/people.ts';
import { listSchedules, nextRun, parseChatRef, parseScheduleJob, setSchedule, type ChatSchedule } from '../../services/schedules.ts';
import { wallClock } from '../../domain/time.ts';
import { renderTable } from '../format.ts';
import type { PhraseLocale } from '../../domain/phrase.ts';
import type { CliRunner } from '../main.ts';
import { cliWords } from '../words.ts';
import { cliTexts } from '../../domain/texts/cli.ts';

/** "2026-12-02 09:00" on the schedule's own clock. */
const wall = (d: Date, timezone: string) => wallClock(d, timezone);

function rows(schedules: ChatSchedule[]) {
  return schedules.map((s) => ({ ...s, since: s.since.toISOString(), next: nextRun(s)?.toISOString() ?? null }));
}

function table(schedules: ChatSchedule[], locale: PhraseLocale): string {
  const w = cliWords(locale).schedule;
  if (schedules.length === 0) return w.none;
  return renderTable(
    w.headers,
    schedules.map((s) => {
      const next = nextRun(s);
      return [
        `${s.platform}:${s.chatId}`,
        s.warehouse,
        w.job[s.job] ?? s.job,
        s.enabled ? s.cron : w.off,
        s.timezone,
        next ? wall(next, s.timezone) : '—',
        s.isDefault ? w.isDefault : '',
      ];
    }),
  );
}

/**
 * `stocktake schedule list|set`: when each digest chat gets its daily digest, weekly report and monthly stock structure report. A running
 * `npm start` picks a change up at its next minute.
 */
export function registerSchedule(program: Command, run: CliRunner): void {
  const schedule = program
    .command('schedule')
    .description('when each digest chat gets its daily digest, weekly report and monthly stock structure report');
  schedule
    .command('list', { isDefault: true })
    .description("every digest chat's schedule (cron, timezone, next time)")
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const all = await listSchedules(db);
        return { data: rows(all), human: (locale) => table(all, locale) };
      }),
    );
  schedule
    .command('set <chat> <report> <cron>')
    .description(
      'set a report\'s schedule: <chat> platform:chat-id, <report> daily|weekly|monthly, <cron> "MIN HOUR DAY MONTH WEEKDAY" (quoted) or off|on',
    )
    .option('--timezone <tz>', "IANA timezone the cron is read in (default: the chat's current one, else its warehouse's)")
    .option('--as <person>', "who does this (a supervisor, manager or admin of the chat's warehouse); default: the local operator")
    .option('--json', 'machine-readable output')
    .action((chatText: string, reportText: string, cronText: string, opts: { timezone?: string; as?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const chat = parseChatRef(chatText);
        const job = parseScheduleJob(reportText);
        const word = cronText.trim().toLowerCase();
        if ((word === 'off' || word === 'on') && opts.timezone) throw new InvalidInputError(cliTexts.timezoneWithCron(word));
        const actor = opts.as ? await cliActor(db, opts.as) : null;
        const after = await setSchedule(db, actor, {
          ...chat,
          job,
          enabled: word !== 'off',
          ...(word === 'off' || word === 'on' ? {} : { cron: cronText }),
          ...(opts.timezone !== undefined ? { timezone: opts.timezone } : {}),
        });
        const [data] = rows([after]);
        return {
          data,
          human: (locale) => {
            const w = cliWords(locale).schedule;
            const next = nextRun(after);
            const job = w.job[after.job] ?? after.job;
            return after.enabled
              ? w.set(job, chatText, after.cron, after.timezone, next ? wall(next, after.timezone) : null)
              : w.setOff(job, chatText);
          },
        };
      }),
    );
}
