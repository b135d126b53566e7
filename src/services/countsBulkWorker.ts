/**
 * The worker thread of a large plain sheet's summing (countsBulkSums.ts, sumSheet): reads and checks every
 * line of the file, sums the keys of its half and hands its table back without copying it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fileChunks, NotPlain, PlainSums, type SumAnswer, type SumTask } from './countsBulkSums.ts';

const task = workerData as SumTask;
let answer: SumAnswer;
let transfer: ArrayBuffer[] = [];
try {
  const sheet = new PlainSums(task.plan, 1, 2);
  await sheet.read(fileChunks(task.path));
  const sums = sheet.sums.export();
  answer = { sums };
  transfer = [sums.table, sums.order];
} catch (error) {
  answer = error instanceof NotPlain ? { notPlain: error.reason } : { failed: error instanceof Error ? error.message : String(error) };
}
parentPort!.postMessage(answer, transfer);
