import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config';
import { CONFIG_DOC_PATH, renderConfigurationDoc } from '../../scripts/docs-config';

describe('docs/configuration.md', () => {
  it('when the tables are generated from the config schema, then the committed file is already up to date (npm run docs:config)', () => {
    const committed = readFileSync(CONFIG_DOC_PATH, 'utf8');
    expect(renderConfigurationDoc(committed)).toBe(committed);
  });

  it('when the file is read, then every variable the schema reads has a row', () => {
    const committed = readFileSync(CONFIG_DOC_PATH, 'utf8');
    const missing = Object.keys(configSchema.shape).filter((name) => !committed.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });
});
