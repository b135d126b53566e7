import { InvalidInputError, type InputProblem } from '../domain/errors.ts';
import type { ProblemList } from '../files/records.ts';

/** What every file import reports: how much was read and taken, and each problem with its line. */
export interface ImportReport {
  fileName: string;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  problems: InputProblem[];
}

/**
 * Strict by default: any invalid row refuses the whole file (nothing written) and lists every problem.
 * With skipInvalid the valid rows go in and the problems are reported alongside.
 */
export function refuseIfInvalid(fileName: string, problems: ProblemList, skipInvalid: boolean, rowsAccepted: number): void {
  if (!problems.isEmpty && !skipInvalid) {
    throw new InvalidInputError(
      `${fileName}: ${problems.invalidLines} invalid line(s); nothing was imported (fix them, or import the valid lines with --skip-invalid)`,
      problems.all(),
    );
  }
  if (rowsAccepted === 0) {
    throw new InvalidInputError(`${fileName} has no valid data rows; nothing was imported`, problems.all());
  }
}
