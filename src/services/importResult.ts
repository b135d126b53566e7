import { InvalidInputError, type InputProblem } from '../domain/errors.ts';
import { importTexts } from '../domain/texts/imports.ts';
import type { IgnoredColumnNote, ProblemList } from '../files/records.ts';
import type { Table } from '../files/table.ts';

/** What every file import reports: how much was read and taken, and each problem with its line. */
export interface ImportReport {
  fileName: string;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  problems: InputProblem[];
  /** The workbook sheet read (XLSX); null for CSV. */
  sheet: string | null;
  /** Columns of the file that were not read, each with the header it is probably a misspelling of. */
  ignoredColumns: IgnoredColumnNote[];
}

/** What the reader noted about the file as a whole, for its report. */
export function fileNotes(table: Table, problems: ProblemList): Pick<ImportReport, 'sheet' | 'ignoredColumns'> {
  return { sheet: table.sheet, ignoredColumns: problems.ignoredColumns };
}

/**
 * Strict by default: any invalid row refuses the whole file (nothing written) and lists every problem.
 * With skipInvalid the valid rows go in and the problems are reported alongside.
 */
export function refuseIfInvalid(fileName: string, problems: ProblemList, skipInvalid: boolean, rowsAccepted: number): void {
  if (!problems.isEmpty && !skipInvalid) {
    throw new InvalidInputError(importTexts.invalidLines(fileName, problems.invalidLines), problems.all());
  }
  if (rowsAccepted === 0) {
    throw new InvalidInputError(importTexts.noValidRows(fileName), problems.all());
  }
}
