import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The house plan's rings are enforced by lint rules; this proves the rules bite on real code.
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('import boundaries', () => {
  it('keeps node built-ins and electron out of the shared core', async () => {
    expect(await ruleIds("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'src-main/shared/domain/probe.ts')).toContain('no-restricted-imports');
    expect(await ruleIds("import { app } from 'electron';\nexport const x = app;\n", 'src-main/shared/domain/probe.ts')).toContain('no-restricted-imports');
    expect(await ruleIds('export const x = Buffer.from("a");\n', 'src-main/shared/domain/probe.ts')).toContain('no-restricted-globals');
  });

  it('allows electron in the adapters only', async () => {
    expect(await ruleIds("import { app } from 'electron';\nexport const x = app;\n", 'src-main/services/probe.ts')).toContain('no-restricted-imports');
    expect(await ruleIds("import { app } from 'electron';\nexport const x = app;\n", 'src-main/platform/probe.ts')).not.toContain('no-restricted-imports');
  });

  it('keeps the renderer away from Node and services', async () => {
    expect(await ruleIds("import { x } from '../src-main/services/rpc/eventHub';\nexport const y = x;\n", 'src-renderer/probe.ts')).toContain('no-restricted-imports');
    expect(await ruleIds("import { createRawApi } from '../src-main/shared/contract/client';\nexport const y = createRawApi;\n", 'src-renderer/probe.ts')).not.toContain('no-restricted-imports');
  });
});
