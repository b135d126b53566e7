/**
 * The Telegram adapter's own texts, in every language a chat may choose: what only this platform makes
 * a person read. Everything else comes from cards/i18n through the core.
 */
import type { LocalizedText } from '../../src/domain/errors.ts';

/** The most a bot may download with getFile (https://core.telegram.org/bots/api#getfile: "up to 20MB"). */
export const TELEGRAM_DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

/** A document too large for getFile: Telegram never hands the bot its bytes, whatever our own upload limit. */
export const fileTooBigForBots: LocalizedText = {
  'zh-CN':
    '这个文件超过 20 MB：Telegram 只允许机器人下载不超过 20 MB 的文件，所以无法导入。请把盘点表拆成几个较小的文件分别发送，或在网页控制台上传。',
  en: 'This file is larger than 20 MB, the most Telegram lets a bot download, so it cannot be imported. Send the count sheet as several smaller files, or upload it in the web console.',
};
