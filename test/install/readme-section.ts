/**
 * Reads a section of README.md as a list of steps, so that a test can follow
 * the README word for word and the two cannot drift apart.
 *
 * Given the heading `## Using tsray in your own project`, produces every fenced
 * code block from that heading to the next heading of any level, in order,
 * each with its info string (`sh`, `jsonc`, …) and the paragraph just above it
 * (where the README names the file a block is the content of, as
 * "`tsconfig.json` (…):").
 */
export interface ReadmeBlock {
  /** The fence's info string: `sh`, `jsonc`, `ts`. */
  readonly lang: string;
  /** The block's text, ending with a newline. */
  readonly text: string;
  /** The paragraph above the opening fence (blank lines between skipped), joined by spaces; "" after another block. */
  readonly intro: string;
}

/** Every fenced block of a markdown document, in order. */
export function codeBlocks(markdown: string): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? "");
    if (!open) continue;
    const close = lines.findIndex((line, j) => j > i && line.startsWith("```"));
    if (close < 0) throw new Error(`README: the code block opened at line ${i + 1} is never closed`);
    const intro: string[] = [];
    let k = i - 1;
    while (k >= 0 && (lines[k] ?? "").trim() === "") k--;
    for (; k >= 0 && (lines[k] ?? "").trim() !== "" && !(lines[k] ?? "").startsWith("```"); k--) intro.unshift((lines[k] ?? "").trim());
    blocks.push({ lang: open[1] ?? "", text: lines.slice(i + 1, close).join("\n") + "\n", intro: intro.join(" ") });
    i = close;
  }
  return blocks;
}

/** The text of the section under `heading` (a whole `## …` line), up to the next heading. */
export function sectionText(markdown: string, heading: string): string {
  const lines = markdown.split("\n");
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`README has no heading "${heading}"`);
  let end = start + 1;
  let inFence = false;
  for (; end < lines.length; end++) {
    const line = lines[end] ?? "";
    if (line.startsWith("```")) inFence = !inFence;
    else if (!inFence && /^#{1,6} /.test(line)) break;
  }
  return lines.slice(start + 1, end).join("\n");
}
