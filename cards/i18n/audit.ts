/**
 * What `audit verify` and `audit books` found, in en and zh-CN: one text per finding, used by the CLI,
 * the REST API, the console pages and the digest's chain line alike.
 */
import type { AuditFinding, AuditWarning } from '../../src/domain/audit.ts';
import type { Locale } from './index.ts';

const short = (hash: string) => `${hash.slice(0, 12)}…`;

const en = {
  finding(f: AuditFinding): string {
    switch (f.kind) {
      case 'edited':
        return `audit row ${f.id} (chain #${f.seq}) was edited: its content no longer matches its hash`;
      case 'removed':
        return f.fromSeq === f.toSeq
          ? `audit row #${f.fromSeq} was removed: the chain skips from #${BigInt(f.fromSeq) - 1n} to row ${f.id} (#${f.seq})`
          : `audit rows #${f.fromSeq}..#${f.toSeq} were removed: the chain skips to row ${f.id} (#${f.seq})`;
      case 'reordered':
        return `audit row ${f.id} (chain #${f.seq}) is out of order: it follows a row that was not its predecessor`;
      case 'missingTail':
        return `the end of the chain was removed: it ends at #${f.chainSeq} but checkpoint ${f.checkpoint} says it reached #${f.checkpointSeq}`;
      case 'rehashed':
        return `checkpoint ${f.checkpoint} does not match the chain at #${f.toSeq}: rows #${f.fromSeq}..#${f.toSeq} were rewritten and re-hashed${f.previousCheckpoint === null ? '' : ` after checkpoint ${f.previousCheckpoint}, the last that matches`}`;
      case 'badSignature':
        return `checkpoint ${f.checkpoint} has a bad signature: it was forged or altered by someone without STOCKTAKE_AUDIT_KEY (or the key changed)`;
      case 'checkpointsRemoved':
        return f.fromN === f.toN ? `checkpoint ${f.fromN} was removed` : `checkpoints ${f.fromN}..${f.toN} were removed`;
      case 'behindHead':
        return `the chain ends at #${f.chainSeq}, before the published head #${f.headSeq}: rows were removed`;
      case 'headMismatch':
        return `the chain at #${f.seq} does not match the published head: it was rewritten`;
      case 'books':
        return `on-hand of ${f.sku}${f.location ? ` at ${f.location}` : ''}${f.lot ? ` lot ${f.lot}` : ''} in warehouse ${f.warehouse} is ${f.actual}, but the book plus movements and posted ledger entries give ${f.expected}`;
    }
  },
  warning(w: AuditWarning): string {
    switch (w.kind) {
      case 'unsigned':
        return `${w.checkpoints} checkpoint(s) could not be checked against a key: without STOCKTAKE_AUDIT_KEY a consistent rewrite by someone who can write the database goes unnoticed. Set the key on every instance.`;
      case 'noCheckpoint':
        return 'the chain has no checkpoint yet: a removed tail could not be told from a short chain';
      case 'unsealed':
        return `${w.rows} audit row(s) are not sealed into the chain yet (the sealer runs every second in the server and at the end of each CLI command)`;
      case 'noHead':
        return 'no published head to compare with: give --head <file> or --head <seq>:<hash> from a digest, or set STOCKTAKE_AUDIT_HEAD_FILE';
      case 'headUnreadable':
        return `the head ${w.source} cannot be read: ${w.reason}`;
    }
  },
  intact: (rows: number, seq: string, hash: string) => `Audit chain intact: ${rows} row(s), ends at #${seq} · ${short(hash)}`,
  broken: (count: number) => `Audit trail: ${count} problem(s) found`,
  booksIntact: (lines: number) => `Books agree: on-hand of ${lines} line(s) equals the book plus movements and posted ledger entries`,
  booksBroken: (count: number) => `Books: ${count} line(s) where on-hand does not equal the book plus movements and posted ledger entries`,
  head: (seq: string, hash: string) => `Audit chain #${seq} · ${short(hash)}`,
  warningLabel: 'warning',
};

const zhCN: typeof en = {
  finding(f: AuditFinding): string {
    switch (f.kind) {
      case 'edited':
        return `审计记录 ${f.id}（链位 #${f.seq}）被修改：内容与其哈希不符`;
      case 'removed':
        return f.fromSeq === f.toSeq
          ? `审计记录 #${f.fromSeq} 被删除：链从 #${BigInt(f.fromSeq) - 1n} 直接跳到记录 ${f.id}（#${f.seq}）`
          : `审计记录 #${f.fromSeq}..#${f.toSeq} 被删除：链直接跳到记录 ${f.id}（#${f.seq}）`;
      case 'reordered':
        return `审计记录 ${f.id}（链位 #${f.seq}）顺序被调换：它前面的记录不是原来的那条`;
      case 'missingTail':
        return `链尾被删除：链止于 #${f.chainSeq}，但检查点 ${f.checkpoint} 记载已到 #${f.checkpointSeq}`;
      case 'rehashed':
        return `检查点 ${f.checkpoint} 与链在 #${f.toSeq} 处不符：记录 #${f.fromSeq}..#${f.toSeq} 被改写并重算了哈希${f.previousCheckpoint === null ? '' : `（检查点 ${f.previousCheckpoint} 是最后一个相符的）`}`;
      case 'badSignature':
        return `检查点 ${f.checkpoint} 签名无效：它被没有 STOCKTAKE_AUDIT_KEY 的人伪造或修改（或密钥已更换）`;
      case 'checkpointsRemoved':
        return f.fromN === f.toN ? `检查点 ${f.fromN} 被删除` : `检查点 ${f.fromN}..${f.toN} 被删除`;
      case 'behindHead':
        return `链止于 #${f.chainSeq}，早于已发布的链头 #${f.headSeq}：有记录被删除`;
      case 'headMismatch':
        return `链在 #${f.seq} 处与已发布的链头不符：链被改写`;
      case 'books':
        return `仓库 ${f.warehouse} 的 ${f.sku}${f.location ? `（库位 ${f.location}）` : ''}${f.lot ? `（批次 ${f.lot}）` : ''} 现存量为 ${f.actual}，但账面加出入库和已过账分录应为 ${f.expected}`;
    }
  },
  warning(w: AuditWarning): string {
    switch (w.kind) {
      case 'unsigned':
        return `${w.checkpoints} 个检查点无法用密钥核验：未设置 STOCKTAKE_AUDIT_KEY 时，能写数据库的人一致地改写整条链不会被发现。请在每个实例上设置该密钥。`;
      case 'noCheckpoint':
        return '链还没有检查点：无法区分被删掉的链尾和本来就短的链';
      case 'unsealed':
        return `${w.rows} 条审计记录尚未封入链中（服务每秒封存一次，CLI 每条命令结束时也会封存）`;
      case 'noHead':
        return '没有可对照的已发布链头：请用 --head <文件> 或日报中的 --head <序号>:<哈希>，或设置 STOCKTAKE_AUDIT_HEAD_FILE';
      case 'headUnreadable':
        return `无法读取链头 ${w.source}：${w.reason}`;
    }
  },
  intact: (rows, seq, hash) => `审计链完好：${rows} 条记录，止于 #${seq} · ${short(hash)}`,
  broken: (count) => `审计记录：发现 ${count} 个问题`,
  booksIntact: (lines) => `账实相符：${lines} 行现存量等于账面加出入库和已过账分录`,
  booksBroken: (count) => `账实不符：${count} 行现存量不等于账面加出入库和已过账分录`,
  head: (seq, hash) => `审计链 #${seq} · ${short(hash)}`,
  warningLabel: '警告',
};

export type AuditTexts = typeof en;

export function auditTexts(locale: Locale): AuditTexts {
  return locale === 'zh-CN' ? zhCN : en;
}
