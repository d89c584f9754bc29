import { languageDocMarkdown, parseLanguageDoc, type LanguageDocEntry } from '../../core/editor/languageDoc';

/**
 * The language reference (docs/language.md, shipped with the extension),
 * read once on first use, for the longer text of completion and signature
 * help. Without the file the registry's one-line docs still show.
 */
export class LanguageDocs {
  private entries: Map<string, LanguageDocEntry> | null = null;

  /** `read`: the text of docs/language.md (each platform reads it its own way). */
  constructor(private readonly read: () => string | undefined) {}

  /** Forward, backward and example of an operation or constructor from the reference, or ''. */
  markdownFor(name: string): string {
    const entry = this.load().get(name);
    return entry ? languageDocMarkdown(entry) : '';
  }

  private load(): Map<string, LanguageDocEntry> {
    if (!this.entries) {
      try {
        const text = this.read();
        this.entries = text === undefined ? new Map() : parseLanguageDoc(text);
      } catch {
        this.entries = new Map();
      }
    }
    return this.entries;
  }
}
