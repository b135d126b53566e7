/**
 * Blind counts (盲盘): the one place that decides who sees book figures of a stocktake, and what a
 * counter's views keep. Every surface (API, CLI, console, chat cards) asks here; none relies on a client
 * hiding fields.
 */
import type { DbOrTx } from '../../db/client.ts';
import { BOOK_FIGURE_ROLES, holdsAnyOf, type Actor } from '../domain/people.ts';
import { hidesBookFigures, type CountStatus } from '../domain/stocktake.ts';
import { rolesOf } from './people.ts';
import { getStocktake, type StocktakeRef } from './stocktakes.ts';
import { stocktakeStatus, type StocktakeProgress } from './variances.ts';

/**
 * Whether `viewer` sees the book figures of `st`: always, unless it is a blind count still counting; then
 * only the local operator (null: the CLI without --as) and holders of a supervising or finance role.
 */
export async function showsBookFigures(
  db: DbOrTx,
  viewer: Pick<Actor, 'personId'> | null,
  st: Pick<StocktakeRef, 'blind' | 'status' | 'warehouseId'>,
): Promise<boolean> {
  if (!hidesBookFigures(st) || viewer === null) return true;
  return holdsAnyOf(await rolesOf(db, viewer.personId, st.warehouseId), BOOK_FIGURE_ROLES);
}

/** Progress as a counter of a blind count sees it: lines per count status, no variance totals. */
export type BlindProgress = Omit<StocktakeProgress, 'variances'>;

/** Leaves out the variance totals (counts and values) of a progress. */
export function blindProgress(p: StocktakeProgress): BlindProgress {
  const { variances: _hidden, ...rest } = p;
  return { ...rest, bookFiguresHidden: true };
}

/** A stocktake's progress as `viewer` may see it (null: the local operator). */
export async function progressFor(
  db: DbOrTx,
  viewer: Pick<Actor, 'personId'> | null,
  stocktakeKey: string | StocktakeRef,
): Promise<StocktakeProgress | BlindProgress> {
  const st = typeof stocktakeKey === 'string' ? await getStocktake(db, stocktakeKey) : stocktakeKey;
  const progress = await stocktakeStatus(db, st.id);
  return (await showsBookFigures(db, viewer, st)) ? progress : blindProgress(progress);
}

/** A line as a counter of a blind count sees it: where, what, and whether it still needs a count. */
export interface BlindLine {
  sku: string;
  location: string;
  /** The lot (批次) counted: where and what, not a figure. */
  lot: string;
  itemName: string | null;
  unit: string | null;
  countStatus: CountStatus;
  /** Two counts of the line disagree: count it again (the figures are not shown). */
  recountNeeded: boolean;
}

export function blindLine(l: {
  sku: string;
  location: string;
  lot: string;
  itemName: string | null;
  unit: string | null;
  countStatus: CountStatus;
}): BlindLine {
  return {
    sku: l.sku,
    location: l.location,
    lot: l.lot,
    itemName: l.itemName,
    unit: l.unit,
    countStatus: l.countStatus,
    recountNeeded: l.countStatus === 'conflict',
  };
}
