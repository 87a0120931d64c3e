/**
 * An operator list: a header line naming the TAB-separated columns, then one line per row; or,
 * when there is nothing, one line saying so (an empty output reads like a failure).
 */
export function printList(columns: readonly string[], lines: readonly string[], nothing: string): void {
  if (lines.length === 0) {
    console.log(nothing);
    return;
  }
  console.log(columns.join('\t'));
  for (const line of lines) console.log(line);
}
