import { describe, expect, it } from 'vitest';
import { parseTextCommand } from '../../src/core/textCommands.ts';

describe('text commands', () => {
  it.each([
    ['/help', { name: 'help' }],
    ['帮助', { name: 'help' }],
    ['/status@stocktake_bot', { name: 'status' }],
    ['状态', { name: 'status' }],
    ['bind WH1', { name: 'bind', warehouse: 'WH1', purpose: 'team' }],
    ['绑定 WH1 审批', { name: 'bind', warehouse: 'WH1', purpose: 'approvals' }],
    ['/bind wh1 digest', { name: 'bind', warehouse: 'wh1', purpose: 'digest' }],
    ['差异 2', { name: 'variances', page: 2 }],
    ['variances', { name: 'variances', page: 1 }],
    ['count A-100 R1 12', { name: 'count', sku: 'A-100', location: 'R1', qty: '12' }],
    ['盘点 A-100 １２.５', { name: 'count', sku: 'A-100', location: '', qty: '12.5' }],
    ['count A-100 R1 1,200', { name: 'count', sku: 'A-100', location: 'R1', qty: '1200' }],
    ['count A-100', { name: 'countUsage' }],
    ['count A-100 R1 twelve', { name: 'countUsage' }],
    ['count A-100 R1 -1', { name: 'countNegative', qty: '-1' }],
    ['盘点 A-100 -2.5', { name: 'countNegative', qty: '-2.5' }],
    ['new', { name: 'new', blind: false }],
    ['新盘点', { name: 'new', blind: false }],
    ['/new blind', { name: 'new', blind: true }],
    ['new BLIND', { name: 'new', blind: true }],
    ['盲盘', { name: 'new', blind: true }],
    ['新盘点 盲盘', { name: 'new', blind: true }],
    ['开始盘点 盲盘', { name: 'new', blind: true }],
    ['结束盘点', { name: 'close' }],
    ['提交', { name: 'submit' }],
    ['报告', { name: 'report' }],
    ['语言 en', { name: 'lang', locale: 'en' }],
    ['tap AbCdEfGhIj.k-_12345678:damage', { name: 'tap', token: 'AbCdEfGhIj.k-_12345678', option: 'damage' }],
    [
      'note AbCdEfGhIj.k-_12345678 checked the shelf twice',
      { name: 'input', token: 'AbCdEfGhIj.k-_12345678', text: 'checked the shelf twice' },
    ],
    ['what is this', { name: 'unknown', text: 'what is this' }],
  ])('%s', (text, expected) => {
    expect(parseTextCommand(text)).toEqual(expected);
  });
});
