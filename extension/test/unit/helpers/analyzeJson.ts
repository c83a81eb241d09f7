// `iolens analyze --format json` of some files, run from the repository root exactly as the CLI does it
// (the golden tests compare its bytes). An input that cannot be read gives its one-line error instead.
import { main } from '../../../cli/main';
import { repoRoot } from './paths';

export async function analyzeJson(paths: readonly string[]): Promise<string> {
  const cwd = process.cwd();
  const chunks: string[] = [];
  const errors: string[] = [];
  process.chdir(repoRoot);
  try {
    const code = await main(['analyze', ...paths, '--format', 'json', '--quiet'], {
      out: async (text) => {
        chunks.push(text);
      },
      err: (text) => {
        errors.push(text);
      },
    });
    return code === 0 ? chunks.join('') : `exit ${code}: ${errors.join('')}`;
  } finally {
    process.chdir(cwd);
  }
}
