import { parseDecimal } from './decimal.ts';
import type { Role } from './people.ts';

export interface RoutingPolicy {
  financeThreshold: string;
  managerThreshold: string;
}

const cents = (text: string) => {
  const parsed = parseDecimal(text.replace(/^-/, ''), 2);
  if (!parsed.ok) throw new RangeError(`not an amount: ${text}`);
  return parsed.value;
};

/**
 * The approval steps for a document of the given value (its sign ignored): the supervisor always, then
 * finance above the finance threshold, then the manager above the manager threshold.
 *
 * @example approvalRoute('-12000.00', { financeThreshold: '1000', managerThreshold: '10000' })
 * // → ['supervisor', 'finance', 'manager']
 */
export function approvalRoute(value: string, policy: RoutingPolicy): Role[] {
  const amount = cents(value);
  const route: Role[] = ['supervisor'];
  if (amount > cents(policy.financeThreshold)) route.push('finance');
  if (amount > cents(policy.managerThreshold)) route.push('manager');
  return route;
}

/** PY-2026-0001 (盘盈单, gain) or PK-2026-0001 (盘亏单, loss). */
export function documentNumber(kind: 'gain' | 'loss', year: string, sequence: number): string {
  return `${kind === 'gain' ? 'PY' : 'PK'}-${year}-${String(sequence).padStart(4, '0')}`;
}
