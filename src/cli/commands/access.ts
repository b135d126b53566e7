import type { Command } from 'commander';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import { InvalidInputError, problemOf } from '../../domain/errors.ts';
import { createCredential, listCredentials, revokeCredential, type CredentialInfo } from '../../services/credentials.ts';
import { getPerson } from '../../services/people.ts';
import { renderTable } from '../format.ts';
import type { CliRunner } from '../main.ts';
import { cliWords, type CliWords } from '../words.ts';
import { cliTexts } from '../../domain/texts/cli.ts';

export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:3000';

const expiresDays = z.coerce.number().positive().max(3650);
const baseUrl = z.url({ protocol: /^https?$/ });

function parseDays(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parsed = expiresDays.safeParse(text);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const problem =
      issue.code === 'too_small'
        ? cliTexts.daysNotPositive()
        : issue.code === 'too_big'
          ? cliTexts.daysTooMany()
          : cliTexts.daysNotNumber();
    throw new InvalidInputError(cliTexts.badExpiresDays(text, problem.words.en, problem.words.zh), [
      problemOf(null, '--expires-days', problem),
    ]);
  }
  return parsed.data;
}

/** Where people reach the server: --base-url, else PUBLIC_URL, else the local default. */
function publicUrl(given: string | undefined, config: Config): string {
  const [source, value] =
    given !== undefined ? ['--base-url', given] : config.PUBLIC_URL ? ['PUBLIC_URL', config.PUBLIC_URL] : ['default', DEFAULT_PUBLIC_URL];
  const parsed = baseUrl.safeParse(value.trim());
  if (!parsed.success) throw new InvalidInputError(cliTexts.badBaseUrl(source), [problemOf(null, source, cliTexts.baseUrlProblem())]);
  return parsed.data.replace(/\/+$/, '');
}

/** A timestamptz as Postgres prints it ("2026-12-08 21:40:12.1+00"), as epoch milliseconds. */
const instant = (text: string) => Date.parse(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
const statusOf = (c: CredentialInfo, now = Date.now()) =>
  c.revoked ? 'revoked' : c.expiresAt && instant(c.expiresAt) <= now ? 'expired' : 'active';
/** "2026-12-08 21:40" in UTC, whatever the database session's timezone. */
const when = (text: string | null) => (text ? new Date(instant(text)).toISOString().slice(0, 16).replace('T', ' ') : null);
const expiry = (c: CredentialInfo, w: CliWords['access'] = cliWords('en').access) =>
  c.expiresAt ? w.expires(when(c.expiresAt)!) : w.noExpiry;

/**
 * `stocktake access`: API keys for scripts and integrations, sign-in links for the web console. Secrets
 * are printed once, when made; afterwards only their prefixes are shown.
 */
export function registerAccess(program: Command, run: CliRunner): void {
  const access = program.command('access').description('API keys (stk_…) and console sign-in links (stl_…): create, list, revoke');

  access
    .command('key <person>')
    .description('create an API key acting as the person (their roles and segregation of duties apply); printed once')
    .option('--label <label>', 'what it is for, e.g. "ERP sync"')
    .option('--expires-days <n>', 'stop working after this many days (default: until revoked)')
    .option('--json', 'machine-readable output')
    .action((person: string, opts: { label?: string; expiresDays?: string; json?: boolean }) =>
      run(opts, async (db, config) => {
        const days = parseDays(opts.expiresDays);
        const { secret, credential } = await createCredential(db, {
          kind: 'api_key',
          person,
          ...(opts.label ? { label: opts.label } : {}),
          ...(days ? { expiresInDays: days } : {}),
        });
        const header = `Authorization: Bearer ${secret}`;
        return {
          data: { secret, header, credential },
          human: (locale) => {
            const w = cliWords(locale).access;
            return [
              w.keyFor(credential.person, credential.label, expiry(credential, w)),
              '',
              `  ${secret}`,
              '',
              w.keyOnce,
              w.sendAs(header),
              w.example(header, publicUrl(undefined, config)),
              w.revokeWith(credential.prefix),
            ].join('\n');
          },
        };
      }),
    );

  access
    .command('login <person>')
    .description('create a sign-in link for the web console; opening it signs the person in on that browser')
    .option('--base-url <url>', `where people reach the server (default: PUBLIC_URL, else ${DEFAULT_PUBLIC_URL})`)
    .option('--expires-days <n>', 'stop working after this many days (default: until revoked)')
    .option('--json', 'machine-readable output')
    .action((person: string, opts: { baseUrl?: string; expiresDays?: string; json?: boolean }) =>
      run(opts, async (db, config) => {
        const base = publicUrl(opts.baseUrl, config);
        const days = parseDays(opts.expiresDays);
        const { secret, credential } = await createCredential(db, { kind: 'login', person, ...(days ? { expiresInDays: days } : {}) });
        const url = `${base}/login?token=${secret}`;
        return {
          data: { url, secret, credential },
          human: (locale) => {
            const w = cliWords(locale).access;
            return [
              w.linkFor(credential.person, expiry(credential, w)),
              '',
              `  ${url}`,
              '',
              w.linkOnce(credential.person),
              w.revokeWith(credential.prefix),
            ].join('\n');
          },
        };
      }),
    );

  access
    .command('list')
    .description('keys and sign-in links (prefixes only, never the secrets), newest first')
    .option('--person <person>', "only this person's")
    .option('--json', 'machine-readable output')
    .action((opts: { person?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const person = opts.person ? (await getPerson(db, opts.person)).handle : undefined;
        const rows = (await listCredentials(db, person ? { person } : {})).map((c) => ({ ...c, status: statusOf(c) }));
        return {
          data: rows,
          human: (locale) => {
            const w = cliWords(locale).access;
            return rows.length
              ? renderTable(
                  w.headers,
                  rows.map((c) => [
                    `${c.prefix}…`,
                    c.kind === 'api_key' ? w.apiKey : w.signIn,
                    c.person,
                    c.label,
                    when(c.createdAt),
                    when(c.expiresAt),
                    when(c.lastUsedAt),
                    w.status[c.status] ?? c.status,
                    c.id,
                  ]),
                )
              : w.none;
          },
        };
      }),
    );

  access
    .command('revoke <ref>')
    .description('revoke a key or sign-in link by its id or prefix (as listed); it stops working at once')
    .option('--json', 'machine-readable output')
    .action((ref: string, opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const c = await revokeCredential(db, ref.trim().replace(/…$/, ''));
        return {
          data: { ...c, status: statusOf(c) },
          human: (locale) => {
            const w = cliWords(locale).access;
            return w.revoked(c.kind === 'api_key' ? w.apiKey : w.signInLink, c.prefix, c.person, c.label);
          },
        };
      }),
    );
}
