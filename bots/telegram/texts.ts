/** Telegram's own limits; what only this platform makes a person read is in src/domain/texts/bots.ts. */

/** The most a bot may download with getFile (https://core.telegram.org/bots/api#getfile: "up to 20MB"). */
export const TELEGRAM_DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;
