// CSV as RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold
// a comma, quote or line break. Numbers are written as given, so a CSV carries
// exactly the figures its table shows.

export type CsvCell = string | number | null | undefined;

function field(v: CsvCell): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : v;
  // A leading =, +, - or @ would be run as a formula by spreadsheets (CSV injection).
  const safe = typeof v === "string" && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((r) => r.map(field).join(",")).join("\r\n") + "\r\n";
}
