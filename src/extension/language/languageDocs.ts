import * as fs from 'node:fs';
import * as path from 'node:path';
import { languageDocMarkdown, parseLanguageDoc, type LanguageDocEntry } from '../../core/editor/languageDoc';

/**
 * The language reference (docs/language.md, shipped with the extension),
 * read once on first use, for the longer text of completion and signature
 * help. Without the file the registry's one-line docs still show.
 */
export class LanguageDocs {
  private entries: Map<string, LanguageDocEntry> | null = null;

  constructor(private readonly extensionPath: string) {}

  /** Forward, backward and example of an operation or constructor from the reference, or ''. */
  markdownFor(name: string): string {
    const entry = this.load().get(name);
    return entry ? languageDocMarkdown(entry) : '';
  }

  private load(): Map<string, LanguageDocEntry> {
    if (!this.entries) {
      try {
        this.entries = parseLanguageDoc(fs.readFileSync(path.join(this.extensionPath, 'docs', 'language.md'), 'utf8'));
      } catch {
        this.entries = new Map();
      }
    }
    return this.entries;
  }
}
