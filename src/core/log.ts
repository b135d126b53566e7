/** Structured logs: one JSON object a line on stderr, with secrets redacted. */
import { redact } from '../redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function jsonLogger(minLevel: LogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Logger {
  return (level, message, fields = {}) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    const error = fields.error instanceof Error ? { error: { name: fields.error.name, message: fields.error.message, code: (fields.error as { code?: unknown }).code } } : {};
    write(redact(JSON.stringify({ at: new Date().toISOString(), level, message, ...fields, ...error })));
  };
}

export const silentLogger: Logger = () => {};
