/**
 * Server text made safe to print on a terminal: control characters (C0 but newline and tab, DEL, C1, and so
 * every escape sequence's introducer) are removed, so an answer cannot move the cursor, retitle the window or
 * hide what it says.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, "");
}
