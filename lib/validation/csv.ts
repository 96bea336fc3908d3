// A small RFC 4180 CSV reader (pure, no I/O). Comma-separated; a field may be
// wrapped in double quotes, and then holds commas, line breaks and doubled
// quotes (""); lines end in CRLF, LF or CR; a UTF-8 byte order mark at the
// start is dropped; blank lines are skipped. Each record carries the line of
// the file it starts on (1-based), so problems can be reported where a person
// finds them in a spreadsheet or an editor. Forgiving where it is safe: a
// quote inside an unquoted field is kept as a character. Not forgiving where
// data would be misread: text after a closing quote is a problem of that
// record, and a quote that is never closed stops the file (everything after it
// would be one field). Writing CSV is lib/metrics/csv.ts.

export interface CsvRecord {
  /** The line of the file the record starts on (1-based). */
  line: number;
  fields: string[];
  /** Set when the record's quoting is broken; its fields are not trustworthy then. */
  problem?: string;
}

export type CsvParseResult = { ok: true; records: CsvRecord[] } | { ok: false; line: number; message: string };

export function parseCsv(input: string): CsvParseResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let problem: string | undefined;
    // One record: fields until an unquoted line break or the end.
    for (;;) {
      let value = "";
      if (text[i] === '"') {
        const opened = line;
        i++;
        for (;;) {
          if (i >= n) return { ok: false, line: opened, message: `A quoted field opened on line ${opened} is never closed; add the closing double quote (") or remove the opening one.` };
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\r" || c === "\n") {
            line++;
            if (c === "\r" && text[i + 1] === "\n") {
              value += "\r\n";
              i += 2;
              continue;
            }
          }
          value += c;
          i++;
        }
        // After the closing quote: a comma, a line break or the end.
        if (i < n && text[i] !== "," && text[i] !== "\r" && text[i] !== "\n") {
          problem ??= `Text after the closing quote of field ${fields.length + 1}; inside a quoted field write a double quote as "".`;
          while (i < n && text[i] !== "," && text[i] !== "\r" && text[i] !== "\n") value += text[i++];
        }
      } else {
        const from = i;
        while (i < n && text[i] !== "," && text[i] !== "\r" && text[i] !== "\n") i++;
        value = text.slice(from, i);
      }
      fields.push(value);
      if (i < n && text[i] === ",") {
        i++;
        continue;
      }
      break;
    }
    // The line break that ends the record.
    if (text[i] === "\r") i += text[i + 1] === "\n" ? 2 : 1;
    else if (text[i] === "\n") i++;
    line++;
    const blank = fields.length === 1 && fields[0] === "" && !problem;
    if (!blank) records.push(problem ? { line: start, fields, problem } : { line: start, fields });
  }
  return { ok: true, records };
}
