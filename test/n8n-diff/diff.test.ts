/**
 * The differential test: every case under test/n8n-diff/cases with a golden recorded from a real
 * n8n 2.8.4 (scripts/n8n-diff.mjs) runs through Hookline's graph runner, and each case node's
 * outputs (item JSON, per output) and the run's error must equal n8n's. No n8n is needed here.
 *
 * A case whose node types or versions the engine does not implement yet is skipped with the reason;
 * a case marked `knownDifference` must still differ (and the mark must go once it is equal). The
 * last test renders docs/n8n-compatibility.md from the results and checks the file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPAT_DOC, renderCompatDoc } from '../../scripts/n8n-compat-doc.mjs';
import { listCaseFiles, readCase, readGolden, type Golden, type LoadedCase } from '../../scripts/n8n-diff-cases.mjs';
import { diffRegistry, runCaseInHookline, unsupportedReason, type HooklineOutcome } from './hookline-run.js';
import { compareOutcome } from './compare.js';

type Status = 'equal' | 'different' | 'unsupported' | 'unrecorded';
interface Result {
  id: string;
  name: string;
  nodes: Array<{ type: string; version: number }>;
  status: Status;
  detail?: string;
}

const registry = diffRegistry();
const files = listCaseFiles();
// A malformed case fails its own test below instead of the whole file.
const broken = new Map<string, Error>();
const cases = files.flatMap((path) => {
  try {
    return [readCase(path)];
  } catch (error) {
    broken.set(path, error as Error);
    return [];
  }
});
const results = new Map<string, Result>();
const record = (loaded: LoadedCase, status: Status, detail?: string) =>
  results.set(loaded.id, {
    id: loaded.id,
    name: loaded.spec.name,
    nodes: [
      ...loaded.spec.nodes.map((node) => ({ type: node.type, version: node.typeVersion })),
      // Without feeds the harness's Manual Trigger feeds the first node: its item is compared too.
      ...(loaded.feeds.length === 0 ? [{ type: 'n8n-nodes-base.manualTrigger', version: 1 }] : []),
    ],
    status,
    detail,
  });

describe('n8n differential cases (goldens from n8n 2.8.4)', () => {
  for (const [path, error] of broken)
    it(`${path}: a readable case`, () => {
      throw error;
    });
  for (const loaded of cases) {
    const golden = readGolden(loaded.id);
    const title = `${loaded.id}: ${loaded.spec.name}`;
    const reason = golden ? unsupportedReason(loaded, registry) : 'no golden yet (node scripts/n8n-diff.mjs --case …)';
    if (reason) {
      record(loaded, golden ? 'unsupported' : 'unrecorded', reason);
      it.skip(`${title} — skipped: ${reason}`, () => undefined);
      continue;
    }
    it(title, async () => {
      expect(golden!.case, `the golden was recorded from another version of the case: re-record it`).toBe(loaded.hash);
      const outcome = await runOrFailure(loaded, golden!);
      const difference = compareOutcome(loaded, golden!, outcome);
      const known = loaded.spec.knownDifference;
      record(
        loaded,
        difference ? 'different' : 'equal',
        known ? `${known} (${difference})` : (difference ?? undefined),
      );
      if (known) expect(difference, `'${loaded.id}' now equals n8n: remove its knownDifference`).not.toBeNull();
      else expect(difference, difference ?? '').toBeNull();
    });
  }

  it('docs/n8n-compatibility.md is generated from these results', () => {
    const ran = [...results.values()];
    expect(ran.length, 'run the whole file to check the page').toBe(cases.length);
    const page = renderCompatDoc({ implemented: implementedN8nTypes(), results: ran });
    if (process.env.HOOKLINE_WRITE_COMPAT_DOC === '1') writeFileSync(COMPAT_DOC, page);
    const current = existsSync(COMPAT_DOC) ? readFileSync(COMPAT_DOC, 'utf8') : '';
    expect(current, 'docs/n8n-compatibility.md is stale: run node scripts/n8n-compat-doc.mjs').toBe(page);
  });

  afterAll(() => {
    const count = (status: Status) => [...results.values()].filter((result) => result.status === status).length;
    console.log(
      `n8n differential: ${cases.length} cases, ${count('equal')} equal, ${count('different')} different, ` +
        `${count('unsupported')} skipped (not implemented), ${count('unrecorded')} without a golden`,
    );
  });
});

/** A run that throws (the loader refused the workflow, say) is a difference, not a crash of the suite. */
async function runOrFailure(loaded: LoadedCase, golden: Golden): Promise<HooklineOutcome | Error> {
  try {
    return await runCaseInHookline(loaded, golden, registry);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function implementedN8nTypes(): Array<{ type: string; versions: number[] }> {
  return registry
    .names()
    .filter((type) => type.startsWith('n8n-nodes-base.'))
    .map((type) => ({ type, versions: [registry.get(type)!.description.version].flat() }));
}
