import { constructorTable, operationSections, operationTable } from './reference';

const BEGIN = /^<!-- generated: (operations (.+)|constructors) -->$/;
const END = '<!-- end of generated table -->';

/**
 * docs/language.md with every generated table rewritten from the registry,
 * or the problem when a marker is unmatched or a section of the registry
 * has no table in the text.
 */
export function generatedLanguageDoc(markdown: string): string | { readonly problem: string } {
  const lines = markdown.split('\n');
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    out.push(line);
    const begin = BEGIN.exec(line);
    if (!begin) continue;
    const end = lines.indexOf(END, i + 1);
    if (end < 0) return { problem: `expected "${END}" after line ${i + 1}, found the end of the file` };
    const section = begin[2];
    if (section !== undefined && !operationSections().includes(section)) return { problem: `line ${i + 1}: expected one of the sections ${operationSections().join(', ')}, found "${section}"` };
    seen.add(section ?? 'constructors');
    out.push('', section === undefined ? constructorTable() : operationTable(section), '', END);
    i = end;
  }
  const missing = [...operationSections(), 'constructors'].find((s) => !seen.has(s));
  if (missing !== undefined) return { problem: `expected a generated table for ${missing === 'constructors' ? 'the constructors' : `the section "${missing}"`}, found none` };
  return out.join('\n');
}
