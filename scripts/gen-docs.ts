// Regenerates the tables of docs/language.md from the registry (src/core/ops/reference.ts):
// `npm run docs`. Each table sits between `<!-- generated: ... -->` and `<!-- end of generated table -->`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedLanguageDoc } from '../src/core/ops/referenceDoc';

const file = path.resolve(__dirname, '../docs/language.md');
const before = fs.readFileSync(file, 'utf8');
const after = generatedLanguageDoc(before);
if (typeof after === 'string') {
  if (after !== before) fs.writeFileSync(file, after);
  console.log(after === before ? 'docs/language.md: up to date' : 'docs/language.md: tables regenerated');
} else {
  console.error(`docs/language.md: ${after.problem}`);
  process.exitCode = 1;
}
