/** One parsed input file (--from-dir) or one collected API response, before a provider recognises it. */
export interface SourceDocument {
  /** Where it came from, as messages name it. */
  file: string;
  /** The file itself, when `file` names one document of several in it. */
  origin?: string;
  data: unknown;
}
