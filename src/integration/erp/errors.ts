import type { ErpKind } from './config.ts';

/**
 * A refusal or failure of an ERP, carrying the ERP's own message (Kingdee's Errors[].Message, ERPNext's
 * _server_messages, Odoo's error.data.message) and whether trying again later can help: a network error,
 * a timeout or a 5xx can; a validation refusal (unknown material, closed period) or a failed login cannot
 * until someone fixes the data or the configuration, and then retries.
 */
export class ErpError extends Error {
  readonly erp: ErpKind;
  readonly retryable: boolean;
  constructor(erp: ErpKind, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.erp = erp;
    this.retryable = options.retryable;
  }
}
