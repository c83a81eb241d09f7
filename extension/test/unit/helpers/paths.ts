// Paths used by the tests: the repository root, samples/, and the shared corpus beside the clone.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../../..');
export const samplesDir = path.join(repoRoot, 'samples');
/** The real recordings of ../shared/corpus (present beside every clone on CI and dev machines). */
export const corpusDir = path.resolve(repoRoot, '../shared/corpus');
export const haveCorpus = existsSync(corpusDir);
