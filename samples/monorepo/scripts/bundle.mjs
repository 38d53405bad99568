// "Builds" the package in the current directory: copies src/ to dist/ with a banner naming the version.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
mkdirSync('dist', { recursive: true });
for (const file of readdirSync('src')) {
  writeFileSync(`dist/${file}`, `// ${pkg.name} ${pkg.version}\n` + readFileSync(`src/${file}`, 'utf8'));
}
console.log(`built ${pkg.name} ${pkg.version}`);
