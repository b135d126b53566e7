/**
 * What a tap asks for. Templates describe the action; the core mints a short signed token for it, stores
 * the intent, and when the token comes back runs the intent against the current state (a stale one is
 * answered with the current card instead).
 */
import { z } from 'zod';

/** A line: lot is left out for an item that is not lot-tracked (tokens minted before lots read the same). */
const line = { stocktakeId: z.string().uuid(), sku: z.string(), location: z.string(), lot: z.string().optional() };

export const actionIntentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('variance.confirm'), ...line }),
  z.object({ kind: z.literal('variance.recount'), ...line }),
  /**
   * The chosen cause arrives as the tap's option, and its note (when the form has one) as the tap's input.
   * With `cause`, the cause was picked already and this asks only for the note it needs: the answer to the
   * prompt (the input) tags cause and note together.
   */
  z.object({ kind: z.literal('variance.cause'), ...line, cause: z.string().optional() }),
  /** The note arrives as the tap's input text. */
  z.object({ kind: z.literal('variance.note'), ...line }),
  /** Sends the single-variance card for one line of a page. */
  z.object({ kind: z.literal('variance.open'), ...line }),
  /** Undoes a confirmation; the reason arrives as the tap's input text. */
  z.object({ kind: z.literal('variance.reopen'), ...line }),
  /** Confirms the open lines shown on a page and tags each with its suggested cause. */
  z.object({
    kind: z.literal('variances.accept'),
    stocktakeId: z.string().uuid(),
    lines: z.array(z.object({ sku: z.string(), location: z.string(), lot: z.string().optional() })).max(10),
  }),
  z.object({ kind: z.literal('variances.page'), stocktakeId: z.string().uuid(), page: z.number().int().min(1) }),
  /** Imports one sheet of a workbook sent to the chat; the upload (base64) travels with the intent. */
  z.object({
    kind: z.literal('sheet.import'),
    stocktakeId: z.string().uuid(),
    fileName: z.string(),
    sheet: z.string(),
    upload: z.string(),
  }),
  z.object({ kind: z.literal('document.approve'), documentId: z.string().uuid(), step: z.number().int().min(1) }),
  /** The reason arrives as the tap's input text. */
  z.object({ kind: z.literal('document.reject'), documentId: z.string().uuid(), step: z.number().int().min(1) }),
  /** Withdraws the document before its first decision; the reason arrives as the tap's input text. */
  z.object({ kind: z.literal('document.withdraw'), documentId: z.string().uuid() }),
  /** Sends a posted document to its warehouse's ERPs again (approvers, admins); the toast says each ERP's state. */
  z.object({ kind: z.literal('document.erpRetry'), documentId: z.string().uuid() }),
]);

export type ActionIntent = z.output<typeof actionIntentSchema>;
export type ActionKind = ActionIntent['kind'];
