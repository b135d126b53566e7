import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { guardStrayRejections } from '../../src/core/strayRejections.ts';

function guarded() {
  const target = new EventEmitter();
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const exits: number[] = [];
  const remove = guardStrayRejections((level, message, fields) => lines.push({ level, message, ...(fields ? { fields } : {}) }), {
    exit: (code) => exits.push(code),
    target: target as unknown as NodeJS.Process,
  });
  return { target, lines, exits, remove };
}

describe('stray rejections in a long-running process', () => {
  it('logs a lost database connection and keeps serving', () => {
    const g = guarded();
    const lost = Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED' });
    Object.defineProperty(lost, 'query', { value: 'select 1', enumerable: false });
    g.target.emit('unhandledRejection', lost);
    g.target.emit('unhandledRejection', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
    g.target.emit(
      'unhandledRejection',
      new Error('Failed query: select 1', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }),
    );
    expect(g.exits).toEqual([]);
    expect(g.lines.map((l) => l.level)).toEqual(['warn', 'warn', 'warn']);
    expect(g.lines[0]!.fields).toMatchObject({ error: lost, query: 'select 1' });
  });

  it('ends the process with code 1 on any other stray rejection, as Node would, after logging it', () => {
    const g = guarded();
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    g.target.emit('unhandledRejection', bug);
    expect(g.exits).toEqual([1]);
    expect(g.lines).toEqual([{ level: 'error', message: 'unhandled rejection; stopping', fields: { error: bug } }]);
  });

  it('can be removed', () => {
    const g = guarded();
    g.remove();
    expect(g.target.listenerCount('unhandledRejection')).toBe(0);
  });
});
