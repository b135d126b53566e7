import { describe, expect, it } from 'vitest';
import { card, cardTokens } from '../../../cards/model.ts';
import {
  DINGTALK_BODY_BUDGET,
  DINGTALK_MARKDOWN_LIMIT,
  DINGTALK_NOTE_COMMAND,
  DINGTALK_TAP_COMMAND,
  DINGTALK_TYPED_INTRO,
  dingTalkAtUsers,
  parseDingTalkCallback,
  parseDingTalkText,
  renderDingTalkCard,
  renderDingTalkMessage,
} from '../../../cards/render/dingtalk.ts';
import { SHIPPED_TEMPLATE_PATH } from '../../fakes/dingtalk/index.ts';
import { loadCardTemplate, templateProblem } from '../../fakes/dingtalk/template.ts';
import { gallery } from '../gallery.ts';
import { HOSTILE, MENTIONS, PNG, largestCard, manyMentions, optionValue, representativeCard, token } from './fixtures.ts';

const VARIABLES = [
  'title',
  'subtitle',
  'markdown',
  'image',
  'buttons',
  'hasButtons',
  'select_id',
  'select_placeholder',
  'select_options',
  'select_values',
  'select_index',
  'hasSelect',
  'input_id',
  'input_label',
  'input_placeholder',
  'hasInput',
];
/** The card template the project ships for DingTalk's card platform. */
const shipped = loadCardTemplate(SHIPPED_TEMPLATE_PATH);
/** The text a `dtmd://dingtalkclient/sendMessage` link makes the client send. */
const sentBy = (url: string) => {
  expect(url.startsWith('dtmd://dingtalkclient/sendMessage?content=')).toBe(true);
  return decodeURIComponent(url.slice(url.indexOf('=') + 1));
};

describe('renderDingTalkCard', () => {
  it('fills every template variable with a string, for the representative and the largest card', () => {
    for (const c of [representativeCard(), largestCard(), card({ header: { title: 'bare' }, elements: [] })]) {
      const { cardParamMap } = renderDingTalkCard(c);
      expect(Object.keys(cardParamMap).sort()).toEqual([...VARIABLES].sort());
      for (const value of Object.values(cardParamMap)) expect(typeof value).toBe('string');
    }
  });

  it('sends only what the shipped template declares, in the shape it declares, for every card kind', () => {
    expect([...shipped.variables.keys()].sort()).toEqual([...VARIABLES, 'toast', 'toastKind'].sort());
    const cards = [representativeCard(), largestCard(), ...(['en', 'zh-CN'] as const).flatMap((l) => gallery(l).map(([, c]) => c))];
    for (const c of cards) expect(templateProblem(shipped, renderDingTalkCard(c).cardParamMap)).toBeUndefined();
    // Every control the template reports a tap from is bound to a variable we fill.
    expect(shipped.loopButtons).toEqual([{ list: 'buttons', idField: 'id' }]);
    expect(shipped.selects).toEqual([
      { id: 'select_id', options: 'select_options', index: 'select_index', params: [{ name: 'select_values', variable: 'select_values' }] },
    ]);
    expect(shipped.inputs).toEqual([{ id: 'input_id', params: [] }]);
  });

  it('renders a representative card', () => {
    expect(renderDingTalkCard(representativeCard())).toMatchSnapshot();
  });

  it('keeps the largest card within the markdown and body limits without losing an action', () => {
    const c = largestCard();
    const data = renderDingTalkCard(c);
    const map = data.cardParamMap;
    expect([...map.markdown!].length).toBeLessThanOrEqual(DINGTALK_MARKDOWN_LIMIT);
    expect(Buffer.byteLength(JSON.stringify(data))).toBeLessThanOrEqual(DINGTALK_BODY_BUDGET);
    const buttons = JSON.parse(map.buttons!) as { id: string; text: string; color: string }[];
    expect([...buttons.map((b) => b.id), map.select_id, map.input_id]).toEqual(cardTokens(c));
    expect(buttons.map((b) => b.color)).toEqual(['blue', 'gray', 'gray', 'gray', 'gray', 'red']);
    const values = JSON.parse(map.select_values!) as string[];
    expect(values).toHaveLength(30);
    expect(JSON.parse(map.select_options!)).toHaveLength(30);
    expect(values[Number(map.select_index)]).toBe(optionValue(4));
    expect(map).toMatchObject({ subtitle: expect.stringMatching(/^⛔ /), hasButtons: 'true', hasSelect: 'true', hasInput: 'true' });
    expect(map.markdown).toMatch(/… and \d+ more/);
  });

  it('says so when there is nothing to tap', () => {
    const map = renderDingTalkCard(
      card({ header: { title: 't', state: 'neutral' }, elements: [{ type: 'markdown', text: 'hi' }] }),
    ).cardParamMap;
    expect(map).toMatchObject({
      subtitle: '▫️',
      buttons: '[]',
      select_id: '',
      select_options: '[]',
      select_index: '-1',
      input_id: '',
      hasButtons: 'false',
      hasSelect: 'false',
      hasInput: 'false',
    });
  });

  it('passes an image source only when one is available', () => {
    const c = card({ header: { title: 't' }, elements: [{ type: 'image', alt: 'Trend', png: PNG }] });
    expect(renderDingTalkCard(c).cardParamMap.image).toBe('');
    expect(renderDingTalkCard(c).cardParamMap.markdown).toContain('Trend');
    expect(renderDingTalkCard(c, { imageUrl: () => '@lADOmedia' }).cardParamMap.image).toBe('@lADOmedia');
  });

  it('escapes user text in the markdown variable', () => {
    const map = renderDingTalkCard(
      card({ header: { title: 't' }, elements: [{ type: 'fields', fields: [{ label: 'Note', value: HOSTILE }] }] }),
    ).cardParamMap;
    expect(map.markdown).not.toMatch(/(^|[^\\])<script/);
    expect(map.markdown).not.toMatch(/(^|[^\\])\*\*not bold/);
  });
});

describe('parseDingTalkCallback', () => {
  const content = (actionId: string, params: Record<string, unknown>) =>
    JSON.stringify({ cardPrivateData: { actionIds: [actionId], params } });

  it('reads a button, a select by its index and the echoed option values, and an input, as the template reports them', () => {
    expect(parseDingTalkCallback(content(token(1), {}))).toEqual({ token: token(1) });
    const values = renderDingTalkCard(representativeCard()).cardParamMap.select_values!;
    expect(parseDingTalkCallback(content(token(3), { [token(3)]: { index: 0 }, select_values: values }))).toEqual({
      token: token(3),
      option: 'theft',
    });
    // Echoed as the variable's JSON text or already parsed: either reads.
    expect(parseDingTalkCallback(content(token(3), { [token(3)]: { index: 1 }, select_values: JSON.parse(values) }))).toEqual({
      token: token(3),
      option: 'damage',
    });
    expect(parseDingTalkCallback(content(token(4), { [token(4)]: '少了 3 箱' }))).toEqual({ token: token(4), input: '少了 3 箱' });
  });

  it('tags nothing from an index that names no option, or from a string `params.option` DingTalk never sends', () => {
    expect(parseDingTalkCallback(content(token(3), { [token(3)]: { index: 5 }, select_values: '["theft"]' }))).toBeNull();
    expect(parseDingTalkCallback(content(token(3), { [token(3)]: { index: 0 } }))).toBeNull();
    expect(parseDingTalkCallback(content(token(3), { option: 'theft' }))).toEqual({ token: token(3) });
  });

  it('returns null for anything else', () => {
    for (const content of ['', 'not json', '{}', '{"cardPrivateData":{"actionIds":[]}}', '{"cardPrivateData":{"actionIds":[1]}}']) {
      expect(parseDingTalkCallback(content)).toBeNull();
    }
  });
});

describe('renderDingTalkMessage', () => {
  it('renders a representative card as an actionCard', () => {
    expect(renderDingTalkMessage(representativeCard())).toMatchSnapshot();
  });

  it('links each button and select option to a "tap" message the parser reads back', () => {
    const msg = renderDingTalkMessage(representativeCard());
    if (msg.msgtype !== 'actionCard') throw new Error('expected an actionCard');
    expect(msg.actionCard.btnOrientation).toBe('0');
    const sent = msg.actionCard.btns.map((b) => sentBy(b.actionURL));
    expect(sent).toEqual([
      `${DINGTALK_TAP_COMMAND} ${token(1)}`,
      `${DINGTALK_TAP_COMMAND} ${token(2)}`,
      `${DINGTALK_TAP_COMMAND} ${token(3)}:theft`,
      `${DINGTALK_TAP_COMMAND} ${token(3)}:damage`,
    ]);
    expect(sent.map(parseDingTalkText)).toEqual([
      { token: token(1) },
      { token: token(2) },
      { token: token(3), option: 'theft' },
      { token: token(3), option: 'damage' },
    ]);
    expect(msg.actionCard.btns[3]!.title).toBe('✓ 损坏');
  });

  it('tells the user how to fill an input, and reads the reply', () => {
    const msg = renderDingTalkMessage(representativeCard());
    const text = msg.msgtype === 'actionCard' ? msg.actionCard.text : '';
    expect(text).toContain(`**Note**: send “${DINGTALK_NOTE_COMMAND} ${token(4)} Why?”`);
    expect(parseDingTalkText(`@Stocktake ${DINGTALK_NOTE_COMMAND} ${token(4)} 少了 3 箱`)).toEqual({ token: token(4), input: '少了 3 箱' });
    expect(parseDingTalkText('hello')).toBeNull();
    // Tokens hold "_" and "-"; a client that shows markdown escapes literally must not spoil a copied token.
    expect(parseDingTalkText('note Ab3.\\_x-Y\\_ 少了')).toEqual({ token: 'Ab3._x-Y_', input: '少了' });
  });

  it('in a group without a template shows no link that would do nothing, and says what to send with an @-mention', () => {
    const msg = renderDingTalkMessage(representativeCard(), { typed: true, at: true });
    if (msg.msgtype !== 'markdown') throw new Error('expected markdown');
    const { text } = msg.markdown;
    expect(text).not.toContain('dtmd://');
    expect(text).toContain(DINGTALK_TYPED_INTRO);
    expect(DINGTALK_TYPED_INTRO).toMatch(/@机器人/);
    expect(DINGTALK_TYPED_INTRO).toMatch(/@-mention/);
    // Each action is a line "label — command"; the command, as the bot receives it after the @, is read back.
    const commands = [...text.matchAll(/^\*\*(.+?)\*\* — (.+?) *$/gm)].map((m) => [m[1], parseDingTalkText(`@Stocktake ${m[2]!}`)]);
    expect(commands).toEqual([
      ['Approve', { token: token(1) }],
      ['Reject', { token: token(2) }],
      ['Theft', { token: token(3), option: 'theft' }],
      ['✓ 损坏', { token: token(3), option: 'damage' }],
      ['Note', { token: token(4), input: 'Why?' }],
    ]);
    // One-to-one chats keep their link buttons: there the robot reads every message.
    expect(renderDingTalkMessage(representativeCard()).msgtype).toBe('actionCard');
  });

  it('is plain markdown when nothing can be tapped', () => {
    const msg = renderDingTalkMessage(
      card({ header: { title: 'Posted', subtitle: 'Doc 7', state: 'success' }, elements: [{ type: 'markdown', text: '**Done**' }] }),
    );
    expect(msg).toEqual({ msgtype: 'markdown', markdown: { title: 'Posted', text: '#### ✅ Posted\n\n> Doc 7\n\n**Done**' } });
  });

  it('keeps the largest card within the markdown and body limits without losing an action', () => {
    const c = largestCard();
    const msg = renderDingTalkMessage(c);
    if (msg.msgtype !== 'actionCard') throw new Error('expected an actionCard');
    expect([...msg.actionCard.text].length).toBeLessThanOrEqual(DINGTALK_MARKDOWN_LIMIT);
    expect(Buffer.byteLength(JSON.stringify(msg))).toBeLessThanOrEqual(DINGTALK_BODY_BUDGET);
    const tapped = new Set(msg.actionCard.btns.map((b) => parseDingTalkText(sentBy(b.actionURL))!.token));
    expect([...tapped]).toEqual(cardTokens(c).slice(0, 7));
    expect(msg.actionCard.btns).toHaveLength(36);
    expect(msg.actionCard.text).toContain(`${DINGTALK_NOTE_COMMAND} ${token(30)}`);
  });
});

describe('DingTalk mentions', () => {
  const overdue = card({ header: { title: 'Overdue' }, elements: [{ type: 'markdown', text: 'Past due.' }], mentions: MENTIONS });
  const NAMES = 'Sue <b>&</b> *Li*'.replace(/[<>*]/g, (c) => `\\${c}`);

  it('names the people on a templated card and @-mentions the ones with a staff id through the delivery', () => {
    expect(renderDingTalkCard(overdue).cardParamMap.markdown).toBe(`@Sam Chen, ${NAMES}, Mo, Eve\n\nPast due.`);
    // An external contact's "$:LWCP_v1:$…" is no staff id: Eve cannot be @-mentioned.
    expect(dingTalkAtUsers(overdue)).toEqual({ sam01: 'Sam Chen' });
    expect(dingTalkAtUsers(card({ header: { title: 'x' }, elements: [] }))).toEqual({});
  });

  it('writes "@<staff id>" with at.atUserIds in a markdown message for a session webhook, and names everyone otherwise', () => {
    expect(renderDingTalkMessage(overdue, { at: true })).toEqual({
      msgtype: 'markdown',
      markdown: { title: 'Overdue', text: `#### ℹ️ Overdue\n\n@sam01, ${NAMES}, Mo, Eve\n\nPast due.` },
      at: { atUserIds: ['sam01'], isAtAll: false },
    });
    // The robot send APIs have no `at`: there "@sam01" would show as the bare id.
    expect(renderDingTalkMessage(overdue)).toEqual({
      msgtype: 'markdown',
      markdown: { title: 'Overdue', text: `#### ℹ️ Overdue\n\nSam Chen, ${NAMES}, Mo, Eve\n\nPast due.` },
    });
  });

  it('names the people on an actionCard, which cannot carry `at`, and @-mentions them in the typed group message, which can', () => {
    const tappable = {
      ...overdue,
      elements: [
        ...overdue.elements,
        { type: 'buttons' as const, buttons: [{ label: 'Open', style: 'primary' as const, action: { token: token(1) } }] },
      ],
    };
    const msg = renderDingTalkMessage(tappable, { at: true });
    expect(msg.msgtype === 'actionCard' && msg.actionCard.text).toContain(`\n\nSam Chen, ${NAMES}, Mo, Eve\n\n`);
    expect('at' in msg).toBe(false);
    const typed = renderDingTalkMessage(tappable, { at: true, typed: true });
    expect(typed).toMatchObject({ msgtype: 'markdown', at: { atUserIds: ['sam01'], isAtAll: false } });
    expect(typed.msgtype === 'markdown' && typed.markdown.text).toContain(`@sam01, ${NAMES}, Mo, Eve`);
  });

  it('keeps every mention when it trims the largest card and message to their limits', () => {
    const big = { ...largestCard(), mentions: manyMentions() };
    const { cardParamMap } = renderDingTalkCard(big);
    expect([...cardParamMap.markdown!].length).toBeLessThanOrEqual(DINGTALK_MARKDOWN_LIMIT);
    expect(cardParamMap.markdown!.split('\n\n')[0]!.split(', @')).toHaveLength(30);
    expect(Object.keys(dingTalkAtUsers(big))).toHaveLength(30);
    const plain = { ...big, elements: big.elements.filter((el) => el.type !== 'buttons' && el.type !== 'select') };
    const msg = renderDingTalkMessage(plain, { at: true });
    if (msg.msgtype !== 'markdown') throw new Error('expected markdown');
    expect([...msg.markdown.text].length).toBeLessThanOrEqual(DINGTALK_MARKDOWN_LIMIT);
    expect(Buffer.byteLength(JSON.stringify(msg))).toBeLessThanOrEqual(DINGTALK_BODY_BUDGET);
    expect(msg.at?.atUserIds).toEqual(manyMentions().map((_, i) => `staff${i}`));
    for (let i = 0; i < 30; i++) expect(msg.markdown.text).toContain(`@staff${i}`);
  });
});
