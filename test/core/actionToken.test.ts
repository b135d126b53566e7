import { describe, expect, it } from 'vitest';
import { ActionSigner, ActionMinter, loadActionSigner, resolveAction, TOKEN_LENGTH } from '../../src/core/actionToken.ts';
import { ExpiredActionError, ForgedActionError } from '../../src/domain/errors.ts';
import { describeEachDatabase } from '../support/db.ts';

const signer = new ActionSigner(Buffer.from('a secret of at least sixteen bytes'));

describe('action tokens', () => {
  it('fit in Telegram callback data with room for a 40-character option', () => {
    const { token } = signer.mint();
    expect(token).toHaveLength(TOKEN_LENGTH);
    expect(Buffer.byteLength(`${token}:${'x'.repeat(40)}`)).toBeLessThanOrEqual(64);
  });

  it('verify what this installation signed, and refuse an altered or foreign one', () => {
    const { id, token } = signer.mint();
    expect(signer.verify(token)).toBe(id);
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(() => signer.verify(altered)).toThrow(ForgedActionError);
    const otherId = `${token.slice(0, 9)}${token[9] === 'a' ? 'b' : 'a'}${token.slice(10)}`;
    expect(() => signer.verify(otherId)).toThrow(/bad signature/);
    expect(() => new ActionSigner(Buffer.from('another secret, other install')).verify(token)).toThrow(ForgedActionError);
    expect(() => signer.verify('confirm:A-100')).toThrow(/malformed/);
  });
});

describeEachDatabase('stored actions', (get) => {
  it('resolve to their intent; a signed id whose intent is gone is expired', async () => {
    const { db } = get();
    const stored = await loadActionSigner(db);
    expect((await loadActionSigner(db)).mint().token).toHaveLength(TOKEN_LENGTH); // the same generated secret is reused
    const minter = new ActionMinter(stored);
    const intent = { kind: 'document.approve' as const, documentId: '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', step: 2 };
    const { token } = minter.act(intent);
    await minter.save(db, null);
    expect((await resolveAction(db, stored, token)).intent).toEqual(intent);
    // Signed here but its intent is gone (the retention job deleted it): expired, not forged.
    await expect(resolveAction(db, stored, stored.mint().token)).rejects.toThrow(ExpiredActionError);
    // Two loads agree on the secret: a token minted by one instance verifies on another.
    expect((await loadActionSigner(db)).verify(token)).toBe(token.slice(0, 10));
  });
});
