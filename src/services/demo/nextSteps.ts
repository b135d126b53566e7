/** What a new user does after loading the demo, step by step, in the chat's language. */
import type { ChatLocale } from '../chats.ts';
import { DEMO_RECOUNT } from './data.ts';

export interface NextStepsInput {
  stocktake: string;
  consoleUrl: string;
  /** Where the recount sheet was written, when it was; otherwise only its name is known. */
  recountPath?: string | null;
  /** The case the history wrote up (C-1 in a fresh database): today's RICE-DB loss is offered it. */
  caseCode: string;
}

const recountLine = `${DEMO_RECOUNT.sku}@${DEMO_RECOUNT.location}`;

export function nextSteps(locale: ChatLocale, input: NextStepsInput): string[] {
  const file = input.recountPath ?? DEMO_RECOUNT.fileName;
  const cli = `npx stocktake counts import ${input.stocktake} ${file} --counter ${DEMO_RECOUNT.counter} --round ${DEMO_RECOUNT.round}`;
  if (locale === 'en') {
    return [
      `Run \`npm start\` and open ${input.consoleUrl} (the embedded database serves one process at a time: stop it before other \`npx stocktake\` commands).`,
      `Act as sam (supervisor) and open the team chat demo-team; send \`status\`: ${input.stocktake} is counting with 1 line in conflict, ${recountLine} (alice counted 12, bob 11).`,
      `Act as carol and upload the recount ${DEMO_RECOUNT.fileName} (round 2: ${recountLine} = 11) in demo-team; from the command line it is \`${cli}\`.`,
      `As sam send \`close\`: review opens with 10 variances owned by sam; CUP-GC12 (unit of measure, 24 = 288 ÷ 12), TRAY-ZB at C-02-01/C-02-02 (swapped location), CAN-MT (132 for 123, digits transposed) and RICE-DB (like case ${input.caseCode}: rice taken for tastings without an issue slip) carry suggested causes.`,
      `Confirm every variance and tag its cause (Accept suggestions does a page at once; "unknown" needs a note), then send \`submit\`: a gain document (360.10, one step) and a loss document (4,618.25, above 1,000: two steps) go to demo-approvals.`,
      `In demo-approvals act as ada to approve the gain document and step 1 of the loss document, then as fiona (finance) to approve step 2: both post. sam may not approve what he explained.`,
      `Look back over the year before (three posted stocktakes): as max open ${input.consoleUrl}/structure?warehouse=DEMO (ABC classes, turnover, POT-ZS slow, TRAY-ZB dead), /patterns?warehouse=DEMO (CUP-GL320 and RICE-DB recurring, damage rising, bob's recounts, everyone's figures), /plans?warehouse=DEMO (what is due to count, CUP-GL320 and RICE-DB to count more often) and /cases (${input.caseCode}); from the command line \`npx stocktake structure DEMO\`, \`patterns DEMO\`, \`performance DEMO\`, \`plan show DEMO\`.`,
      `max (manager) reads demo-digest; ann (admin) binds chats and edits causes. To start over, stop the server and delete the data directory.`,
    ];
  }
  return [
    `运行 \`npm start\`，打开 ${input.consoleUrl}（内置数据库同一时间只服务一个进程：运行其他 \`npx stocktake\` 命令前先停止它）。`,
    `以 sam（主管）身份进入团队群 demo-team，发送 \`状态\`：${input.stocktake} 正在盘点，有 1 行冲突 ${recountLine}（alice 盘 12，bob 盘 11）。`,
    `以 carol 身份在 demo-team 上传复盘表 ${DEMO_RECOUNT.fileName}（第 2 轮：${recountLine} = 11）；命令行等价于 \`${cli}\`。`,
    `以 sam 身份发送 \`结束盘点\`：进入审核，10 条差异归 sam 负责；CUP-GC12（单位错误，24 = 288 ÷ 12）、TRAY-ZB 在 C-02-01/C-02-02（串位）、CAN-MT（123 记成 132，数字颠倒）、RICE-DB（与案例 ${input.caseCode} 相似：试吃取米未开领用单）带有建议原因。`,
    `逐条确认差异并标注原因（“采纳建议原因”可一次处理一页；“原因不明”须填备注），然后发送 \`提交\`：盘盈单（360.10，一级审批）和盘亏单（4,618.25，超过 1,000：两级审批）发到 demo-approvals。`,
    `在 demo-approvals 以 ada 身份审批盘盈单和盘亏单第 1 步，再以 fiona（财务）身份审批第 2 步：两张单据过账。sam 不能审批自己解释过的差异。`,
    `回顾此前一年（三次已过账盘点）：以 max 身份打开 ${input.consoleUrl}/structure?warehouse=DEMO（ABC 分类、周转、POT-ZS 呆滞、TRAY-ZB 死库存）、/patterns?warehouse=DEMO（CUP-GL320 和 RICE-DB 反复差异、报损上升、bob 的初盘常需复盘、各人绩效）、/plans?warehouse=DEMO（到期待盘、CUP-GL320 和 RICE-DB 建议增加盘点频次）和 /cases（${input.caseCode}）；命令行为 \`npx stocktake structure DEMO\`、\`patterns DEMO\`、\`performance DEMO\`、\`plan show DEMO\`。`,
    `max（经理）查看 demo-digest；ann（管理员）负责绑定群和维护原因目录。要重新开始，停止服务并删除数据目录。`,
  ];
}
