import { main } from '../../src/cli/main.ts';

/** Runs the CLI in-process against the environment given, capturing what it prints and its exit code. */
export async function runCli(env: Record<string, string>, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'stocktake', ...args], {
    stdout: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`),
    stderr: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`),
    env: { ...env, PATH: process.env.PATH },
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}
