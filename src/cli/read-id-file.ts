import { readFile } from 'node:fs/promises';
import { quotePath, UsageError } from './parse-arguments.js';
import { USER_ID_FORM, userIdProblem } from './user-id-problem.js';

const MAX_REPORTED_LINES = 5;

/**
 * Reads a file of user ids: one per line; blank lines, `#` comment lines and trailing `# comments`
 * are ignored, as are surrounding spaces, a BOM and CRLF line ends. Any other line that is not a
 * user id makes the whole file unusable — before anything is changed.
 *
 * @throws UsageError naming the file, and the numbers of the first malformed lines with what is
 *   wrong with each — never their content: the wrong file (an `.env`) would put secrets in the output.
 */
export async function readIdFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code ?? 'unreadable');
    throw new UsageError(`cannot read --file ${quotePath(path)}: ${why}`);
  }
  const userIds: string[] = [];
  const problems: string[] = [];
  for (const [index, rawLine] of text.replace(/^\uFEFF/, '').split(/\r?\n/).entries()) {
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const problem = userIdProblem(line);
    if (problem === undefined) userIds.push(line);
    else problems.push(`line ${index + 1}: not a user id (${problem})`);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_REPORTED_LINES).join('; ');
    const more = problems.length > MAX_REPORTED_LINES ? `; and ${problems.length - MAX_REPORTED_LINES} more` : '';
    throw new UsageError(
      `${quotePath(path)} has lines that are not user ids (expected ${USER_ID_FORM}, one per line; nothing was changed, and the lines are not shown): ${shown}${more}`,
    );
  }
  if (userIds.length === 0) throw new UsageError(`${quotePath(path)} lists no user ids`);
  return [...new Set(userIds)];
}
