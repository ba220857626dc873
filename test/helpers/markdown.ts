import { readFileSync } from 'node:fs';

/**
 * What the docs test needs to know about a Markdown file: its fenced code blocks (with the
 * `<!-- doc-test: … -->` marker that classifies each), its links and its headings' anchors.
 * Deliberately small: the docs are ours, and this reads the Markdown they use.
 */

/** A fenced code block, and the marker on the last non-blank line before it (if any). */
export interface CodeBlock {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The info string's first word: `js`, `ts`, `sh`, `json`, `text`… (`''` when none). */
  readonly lang: string;
  readonly code: string;
  /** The marker's words after `doc-test:`, e.g. `['same-as', 'examples/actions/post-login.js']`. */
  readonly marker: readonly string[] | undefined;
}

/** A link or image target written in a file, outside code. */
export interface Link {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)?.*$/;
const MARKER = /^<!--\s*doc-test:\s*(.*?)\s*-->$/;

/** Splits a file into its fenced blocks and its prose lines (code blocks blanked out). */
export function parseMarkdown(file: string, text = readFileSync(file, 'utf8')): { blocks: CodeBlock[]; prose: string[]; strayMarkers: number[] } {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  const prose: string[] = [];
  const strayMarkers: number[] = [];
  let pendingMarker: { words: string[]; line: number } | undefined;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    const fence = FENCE.exec(line);
    if (fence !== null) {
      const [, indent, ticks, lang] = fence as unknown as [string, string, string, string | undefined];
      const body: string[] = [];
      let end = index + 1;
      while (end < lines.length && !(lines[end] as string).trim().startsWith(ticks)) {
        body.push((lines[end] as string).slice(Math.min(indent.length, (lines[end] as string).search(/\S|$/))));
        end += 1;
      }
      blocks.push({ file, line: index + 1, lang: lang ?? '', code: `${body.join('\n')}\n`, marker: pendingMarker?.words });
      pendingMarker = undefined;
      for (let blank = index; blank <= end; blank += 1) prose.push('');
      index = end;
      continue;
    }
    const marker = MARKER.exec(line.trim());
    if (marker !== null) {
      if (pendingMarker !== undefined) strayMarkers.push(pendingMarker.line);
      pendingMarker = { words: (marker[1] as string).split(/\s+/), line: index + 1 };
    } else if (line.trim() !== '' && pendingMarker !== undefined) {
      // A marker classifies the block right after it, nothing else.
      strayMarkers.push(pendingMarker.line);
      pendingMarker = undefined;
    }
    prose.push(line);
  }
  if (pendingMarker !== undefined) strayMarkers.push(pendingMarker.line);
  return { blocks, prose, strayMarkers };
}

/** Inline code spans blanked out, so that `[a](b)` inside backticks is not a link. */
const withoutCodeSpans = (line: string) => line.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length));

/** Every link and image target of the prose: `[text](target)`, `![alt](target)`, `[ref]: target`, `src=`/`href=`. */
export function linksOf(file: string, prose: readonly string[]): Link[] {
  const links: Link[] = [];
  prose.forEach((raw, index) => {
    const line = withoutCodeSpans(raw);
    for (const match of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ file, line: index + 1, target: match[1] as string });
    const reference = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(line);
    if (reference !== null) links.push({ file, line: index + 1, target: reference[1] as string });
    for (const match of line.matchAll(/\b(?:src|href)="([^"]+)"/g)) links.push({ file, line: index + 1, target: match[1] as string });
  });
  return links;
}

/**
 * The anchors GitHub gives a file's headings: the text without Markdown, lower-cased, everything
 * but letters, digits, spaces, `-` and `_` dropped, spaces as `-`; a repeated anchor gets `-1`, `-2`…
 * Explicit `<a id="…">` / `<a name="…">` anchors count too.
 */
export function anchorsOf(prose: readonly string[]): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of prose) {
    for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1] as string);
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const text = (heading[1] as string)
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}
