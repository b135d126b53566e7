import type { Phrase } from './phrase.ts';
import { importTexts } from './texts/imports.ts';

export const MOVEMENT_KINDS = ['receipt', 'issue', 'transfer', 'adjustment'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

const KIND_ALIASES: Record<string, MovementKind> = {
  receipt: 'receipt',
  receive: 'receipt',
  in: 'receipt',
  入库: 'receipt',
  收货: 'receipt',
  采购入库: 'receipt',
  issue: 'issue',
  ship: 'issue',
  out: 'issue',
  出库: 'issue',
  发货: 'issue',
  销售出库: 'issue',
  领用: 'issue',
  transfer: 'transfer',
  move: 'transfer',
  调拨: 'transfer',
  移库: 'transfer',
  adjustment: 'adjustment',
  adjust: 'adjustment',
  调整: 'adjustment',
};

/** Reads a movement kind in English or Chinese (入库, 出库, 调拨, 调整); null when unknown. */
export function parseMovementKind(text: string): MovementKind | null {
  return KIND_ALIASES[text.normalize('NFKC').trim().toLowerCase()] ?? null;
}

/**
 * Receipts add and issues remove stock; a transfer is one signed row per location; an adjustment may go
 * either way. A sign against the kind is almost always a typing slip, so it is refused, not guessed.
 */
export function movementSignProblem(kind: MovementKind, qty: bigint): Phrase | null {
  if (qty === 0n) return importTexts.movementZero();
  if (kind === 'receipt' && qty < 0n) return importTexts.receiptNegative();
  if (kind === 'issue' && qty > 0n) return importTexts.issuePositive();
  return null;
}
