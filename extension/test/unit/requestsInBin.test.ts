// requestsInBin: the requests of one latency histogram bin are exactly the ones the bin counts: for every
// distribution of samples/10 and kernel-ftrace samples, the bins' requests partition the distribution's.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { analyzeFile, closeModel } from '../../engine/analyze';
import type { FileModel } from '../../engine/model/fileModel';
import { latencyGroups, requestsInBin } from '../../engine/query/latencyGroups';
import { samplesDir } from './helpers/paths';

const models: FileModel[] = [];
after(async () => {
  for (const m of models) await closeModel(m);
});

for (const rel of ['10-nowait-partial-read/trace.txt', '01-layouts-xfs/trace.txt']) {
  test(`requestsInBin: ${rel}: each bin's requests are as many as it counts, and the bins do not overlap`, async () => {
    const m = await analyzeFile(path.join(samplesDir, rel));
    models.push(m);
    assert.equal(m.kind, 'trace');
    if (m.kind !== 'trace') return;
    const v = m.requests;
    const groups = latencyGroups([v]);
    assert.ok(groups.some((g) => g.layer === 'block' && g.stage === 'Q2C'));
    for (const g of groups) {
      const seen = new Set<number>();
      for (const b of g.bins) {
        const rs = requestsInBin(v, { layer: g.layer, op: g.op, device: g.device, stage: g.stage, loNs: b.lo, hiNs: b.hi });
        assert.equal(rs.length, b.count, `${g.layer} ${g.op} ${g.device} ${g.stage} [${b.lo}, ${b.hi})`);
        for (const r of rs) {
          assert.ok(!seen.has(r));
          seen.add(r);
        }
      }
      assert.equal(seen.size, g.count, `${g.layer} ${g.op} ${g.device} ${g.stage}`);
    }
  });
}
