/** Shared by the Telegram adapter tests: inline keyboard lookups, a free port, a log that records lines. */
import { createServer, type AddressInfo } from 'node:net';
import { jsonLogger, type Logger } from '../../src/core/log.ts';
import type { TelegramConfig } from '../../bots/telegram/config.ts';

interface InlineButton {
  text: string;
  callback_data: string;
}

/** The buttons of an inline keyboard (`reply_markup` as sent), flattened. */
export function buttonsOf(markup: unknown): InlineButton[] {
  const rows = (markup as { inline_keyboard?: InlineButton[][] } | undefined)?.inline_keyboard ?? [];
  return rows.flat();
}

/** The callback_data of the first button whose label matches `label` (or whose data matches `data`). */
export function dataOf(markup: unknown, find: { label?: RegExp; data?: RegExp }): string {
  const button = buttonsOf(markup).find(
    (b) => (find.label ? find.label.test(b.text) : true) && (find.data ? find.data.test(b.callback_data) : true),
  );
  if (!button) throw new Error(`no button ${String(find.label ?? find.data)} in ${JSON.stringify(buttonsOf(markup).map((b) => b.text))}`);
  return button.callback_data;
}

/** A port nobody listens on right now (for servers that cannot take port 0). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The production JSON logger writing into an array, so tests can look for errors and leaked secrets. */
export function recordingLog(): { log: Logger; lines: string[]; errors: () => string[] } {
  const lines: string[] = [];
  const log = jsonLogger('debug', (line) => lines.push(line));
  return { log, lines, errors: () => lines.filter((l) => JSON.parse(l).level === 'error') };
}

/** Adapter settings pointing at a local Bot API server. */
export function telegramConfig(token: string, apiRoot: string, extra: Partial<TelegramConfig> = {}): TelegramConfig {
  return { token, apiRoot, mode: 'polling', webhookPort: 8082, ...extra };
}
