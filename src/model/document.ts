/** One parsed input file (--from-dir) or one collected API response, before a provider recognises it. */
export interface SourceDocument {
  file: string;
  data: unknown;
}
