// Checks the syntax of every package's sources with `node --check`; exits 1 naming each bad file.
import { readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

let bad = 0;
for (const pkg of readdirSync('packages')) {
  for (const dir of ['src', 'test']) {
    for (const file of readdirSync(join('packages', pkg, dir)).filter((f) => f.endsWith('.js'))) {
      try {
        execFileSync(process.execPath, ['--check', join('packages', pkg, dir, file)], { stdio: 'inherit' });
      } catch {
        bad++;
      }
    }
  }
}
console.log(bad === 0 ? 'lint: all sources parse' : `lint: ${bad} files do not parse`);
process.exit(bad === 0 ? 0 : 1);
