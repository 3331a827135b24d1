import { describe, expect, it } from 'vitest';
import { createTokenVault } from '../../src/providers/token-vault';

const OLD = 'old-secret-old-secret-old-secret-0001';
const NEW = 'new-secret-new-secret-new-secret-0002';

describe('token vault', () => {
  it('when a value is sealed, then it opens only with the same context and never shows the plaintext', async () => {
    const vault = await createTokenVault(OLD);
    const sealed = await vault.seal('refresh-token-123', 'con_a');
    expect(sealed).toMatch(/^v2\.[\w-]{8}\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('refresh-token-123');
    expect(await vault.open(sealed, 'con_a')).toBe('refresh-token-123');
    await expect(vault.open(sealed, 'con_b')).rejects.toThrow();
  });

  it('when the secret is rotated, then old values open through the previous secret until re-sealed', async () => {
    const before = await createTokenVault(OLD);
    const sealed = await before.seal('token', 'con_a');
    const signature = await before.sign('link-data');

    const during = await createTokenVault(NEW, [OLD]);
    expect(during.isCurrent(sealed)).toBe(false);
    expect(await during.open(sealed, 'con_a')).toBe('token');
    expect(await during.verify('link-data', signature)).toBe(true);
    const resealed = await during.seal(await during.open(sealed, 'con_a'), 'con_a');
    expect(during.isCurrent(resealed)).toBe(true);

    const after = await createTokenVault(NEW);
    expect(await after.open(resealed, 'con_a')).toBe('token');
    await expect(after.open(sealed, 'con_a')).rejects.toThrow();
    expect(await after.verify('link-data', signature)).toBe(false);
  });

  it('when a signature is altered or malformed, then it does not verify', async () => {
    const vault = await createTokenVault(OLD);
    const signature = await vault.sign('state-1');
    expect(await vault.verify('state-1', signature)).toBe(true);
    expect(await vault.verify('state-2', signature)).toBe(false);
    expect(await vault.verify('state-1', `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`)).toBe(false);
    expect(await vault.verify('state-1', '%%%')).toBe(false);
  });
});
