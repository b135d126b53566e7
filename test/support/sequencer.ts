/**
 * Longest test files first. Vitest orders files it has no timings for (a fresh clone, as in CI) by size,
 * which put the README tour (141 s of 46 CLI processes, a small file) near the end, where it ran alone
 * while the other worker sat idle. These files were the slowest in a full run (seconds, measured on this
 * 2-core machine under load, 2026-12-05); the rest keep vitest's own order.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const SLOWEST = [
  'test/readme.test.ts', // 141 s
  'test/cli/chinese.test.ts', // 35 s (the README tour in Chinese, in-process)
  'test/core/sender.test.ts', // 32 s
  'test/bots/telegram.instances.test.ts', // 29 s
  'test/cli/demo.test.ts', // 29 s
  'test/browser/console.test.ts', // 24 s
  'test/jobs/platforms.test.ts', // 24 s
  'test/bots/feishu.test.ts', // 24 s
  'test/services/varianceQuery.test.ts', // 22 s
  'test/onboarding.test.ts', // 21 s
  'test/services/auditBooks.test.ts', // 21 s
  'test/db/client.test.ts', // 16 s
  'test/cli/startup.test.ts', // 16 s
  'test/resilience/outage.test.ts',
  'test/browser/counting.test.ts',
];

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOWEST.findIndex((path) => f.moduleId.endsWith(path));
      return i < 0 ? SLOWEST.length : i;
    };
    return sorted
      .map((f, i) => [f, i] as const)
      .sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1])
      .map(([f]) => f);
  }
}
