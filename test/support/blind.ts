/**
 * What a counter must never see while a blind count (盲盘) is counting, for WH1's counted stocktake
 * (test/support/flow.ts): the book's figures and the variances they make.
 */
export const BOOK_FIELDS = [
  'bookQty',
  'expectedQty',
  'movementQty',
  'diffQty',
  'diffValue',
  'unitCost',
  'gainValue',
  'lossValue',
  'netValue',
];

/**
 * Book figures of WH1 and the variances of carl's count (A-100 90, A-200 21, B-300 50.5, C-400 1): net −313.00,
 * loss −325.00, gain 12.00, lines −25.00 and −300.00, unit costs 2.50, 0.3333 and 150.
 */
export const BOOK_NUMBERS = ['313.00', '325.00', '12.00', '25.00', '300.00', '0.3333', '"150"', '"2.5"'];

/** The field names and numbers of the book that occur in `shown` (a response, a card, a page, CLI output). */
export function bookFiguresIn(shown: unknown): string[] {
  const text = typeof shown === 'string' ? shown : JSON.stringify(shown);
  return [...BOOK_FIELDS.filter((f) => text.includes(`"${f}"`)), ...BOOK_NUMBERS.filter((n) => text.includes(n))];
}
