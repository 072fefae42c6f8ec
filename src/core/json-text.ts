// JSON.parse whose errors say where the text breaks. V8 gives a line and column for most mistakes
// ("Expected ',' or '}' ... (line 5 column 1)") but not for an unexpected token, whose message quotes
// only a snippet: in a 40 MB describe output that leaves the user searching. Only when the message has
// no position is the text scanned again, by jsonc-parser in strict mode, for where the first error is.
import { visit } from "jsonc-parser";

/** The value of `text`; a syntax error's message gives its line and column (1-based). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new SyntaxError(withPosition(text, (e as Error).message), { cause: e });
  }
}

function withPosition(text: string, message: string): string {
  if (/\(line \d+ column \d+\)/.test(message)) return message;
  let at: { line: number; column: number } | undefined;
  visit(
    text,
    {
      onError: (_error, _offset, _length, startLine, startCharacter) => {
        at ??= { line: startLine + 1, column: startCharacter + 1 };
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  return at ? `${message} (line ${at.line} column ${at.column})` : message;
}
