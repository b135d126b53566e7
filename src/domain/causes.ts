/**
 * The cause catalogue: why a variance happened. These are the defaults a new installation is seeded with;
 * admins may edit labels and add causes of their own (codes matching CAUSE_CODE_PATTERN).
 */

/** Which variances a cause can explain: a gain (盘盈), a loss (盘亏) or either. */
export type CauseDirection = 'gain' | 'loss' | 'both';

export interface CauseDefinition {
  code: string;
  labelZh: string;
  labelEn: string;
  appliesTo: CauseDirection;
  /** "Unknown" explains nothing by itself, so whoever picks it must say what was checked. */
  noteRequired: boolean;
}

function cause(code: string, labelZh: string, labelEn: string, appliesTo: CauseDirection, noteRequired = false) {
  return Object.freeze<CauseDefinition>({ code, labelZh, labelEn, appliesTo, noteRequired });
}

/** The default causes, in the order they are offered on a card. Frozen: copy before editing. */
export const DEFAULT_CAUSES: readonly CauseDefinition[] = Object.freeze([
  cause('damage', '报损', 'Damage / scrap', 'loss'),
  cause('expired', '过期', 'Expired', 'loss'),
  cause('unrecorded_receipt', '收货漏记', 'Unrecorded receipt', 'gain'),
  cause('unrecorded_issue', '发货漏记', 'Unrecorded issue', 'loss'),
  cause('unrecorded_transfer', '调拨未登记', 'Unrecorded transfer', 'both'),
  cause('misplaced', '错放/串位', 'Misplaced / swapped location', 'both'),
  cause('counting_error', '盘点错误', 'Counting error', 'both'),
  cause('unit_error', '单位错误', 'Unit-of-measure error', 'both'),
  cause('data_entry_error', '录入/系统错误', 'Data entry or system error', 'both'),
  cause('supplier_short', '供应商短发', 'Supplier short shipment', 'loss'),
  cause('theft', '失窃/越权取用', 'Theft or unauthorized withdrawal', 'loss'),
  cause('within_tolerance', '容差内', 'Within tolerance', 'both'),
  cause('unknown', '原因不明', 'Unknown', 'both', true),
]);

/**
 * True when `cause` may explain a variance in `direction`:
 * `causeAppliesTo({ appliesTo: 'loss' }, 'gain')` → false (nothing gains stock by expiring).
 */
export function causeAppliesTo(cause: Pick<CauseDefinition, 'appliesTo'>, direction: 'gain' | 'loss'): boolean {
  return cause.appliesTo === 'both' || cause.appliesTo === direction;
}

/**
 * What an admin-added cause code must look like: lower-case ASCII, digits and underscores, starting with a
 * letter, 2 to 40 characters. Codes travel in button callbacks and ERP exports, so they stay plain.
 */
export const CAUSE_CODE_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;
