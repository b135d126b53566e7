/**
 * README's Telegram section stays in step with the bot: the /setcommands list an admin pastes into BotFather
 * names every command the parser understands (and nothing else), in BotFather's format, and the onboarding
 * example is one block of `npx stocktake` commands (another test runs them).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandWords } from '../../src/core/textCommands.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The fenced block right after an HTML comment marker (indented inside a list item or not). */
function blockAfter(marker: string, language: string): string[] {
  const match = new RegExp(`<!-- ${marker} -->\\n[ \\t]*\`\`\`${language}\\n([\\s\\S]*?)\\n[ \\t]*\`\`\``).exec(readme);
  if (!match) throw new Error(`README has no \`\`\`${language} block right after <!-- ${marker} -->`);
  return match[1]!.split('\n').map((line) => line.trim());
}

/** Commands people type; `tap` and `note` are what buttons and prompts send, not commands to offer. */
const TYPED_BY_BUTTONS = new Set(['tap', 'input']);

describe('README, Telegram', () => {
  it('lists every command the bot understands for /setcommands, in BotFather format', () => {
    const lines = blockAfter('setcommands:telegram', 'text');
    // BotCommand: command 1-32 characters of a-z, 0-9 and _; description 1-256 characters
    // (https://core.telegram.org/bots/api#botcommand).
    const listed = lines.map((line) => {
      const match = /^([a-z0-9_]{1,32}) - (.{1,256})$/.exec(line);
      expect(match, `"${line}" is not "command - description"`).not.toBeNull();
      return match![1]!;
    });
    expect(new Set(listed).size).toBe(listed.length);
    for (const command of listed) expect(commandWords[command], `/${command} is not a command of the parser`).toBeDefined();
    const offered = new Set(listed.map((command) => commandWords[command]));
    const understood = new Set(Object.values(commandWords).filter((name) => !TYPED_BY_BUTTONS.has(name)));
    expect([...understood].filter((name) => !offered.has(name))).toEqual([]);
  });

  it('says where the command table is that group commands need a slash or a mention', () => {
    const table = readme.indexOf('| you send | what happens |');
    const before = readme.slice(Math.max(0, table - 600), table);
    expect(before).toMatch(/on Telegram, a command in a group needs a leading `\/`.*or an\s+@-mention/is);
  });

  it('shows the onboarding as one block of npx stocktake commands', () => {
    const lines = blockAfter('onboarding:telegram', 'sh').filter((line) => line && !line.startsWith('#'));
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line).toMatch(/^npx stocktake /);
    expect(lines.some((line) => /people add \S+ .*--identity telegram:\d+/.test(line))).toBe(true);
    expect(lines.some((line) => line.includes('roles grant'))).toBe(true);
  });
});
