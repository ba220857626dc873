import { createReadStream } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** A file the state file writes: appended to, flushed to the disk, closed. */
export interface WritableFile {
  /** Appends all of `text`. */
  append(text: string): Promise<void>;
  /** `fsync`: resolves once what was appended is on the disk, so a power cut does not lose it either. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The file operations behind `--state`, and nothing else: the `node:fs` ones by default, or a
 * test's, which counts what each user costs.
 */
export interface StateFileSystem {
  /** A file's text; `undefined` when there is no such file. */
  readText(path: string): Promise<string | undefined>;
  /** Whether a file is there (without reading it: an audit log may be large). */
  exists(path: string): Promise<boolean>;
  /**
   * A file's lines, read as they are iterated — a journal of 100,000 records never sits in memory
   * whole. The text after the last `\n` is the last line; a file that does not exist has none.
   */
  readLines(path: string): AsyncIterable<string>;
  /** `'wx'` creates the file and fails with `EEXIST` when it exists; `'a'` appends, creating it. Mode 0600. */
  open(path: string, flags: 'wx' | 'a'): Promise<WritableFile>;
  /** Replaces `to` with `from` at once. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; one that does not exist is no error. */
  remove(path: string): Promise<void>;
  /** The names of a directory's entries. */
  list(directory: string): Promise<string[]>;
  /** `fsync` on a directory: makes a rename in it durable. Does nothing where that is impossible (Windows). */
  syncDirectory(directory: string): Promise<void>;
}

const codeOf = (error: unknown) => (error as { code?: unknown } | undefined)?.code;

/** {@link StateFileSystem} on `node:fs/promises`. */
export const nodeFileSystem: StateFileSystem = {
  async readText(path) {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return undefined;
      throw error;
    }
  },
  async exists(path) {
    try {
      await stat(path);
      return true;
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return false;
      throw error;
    }
  },
  async *readLines(path) {
    const input = createReadStream(path, { encoding: 'utf8' });
    try {
      yield* createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') throw error;
    } finally {
      input.destroy();
    }
  },
  async open(path, flags) {
    const handle = await open(path, flags, 0o600);
    return {
      // appendFile, unlike write, loops until every byte is written.
      append: (text) => handle.appendFile(text, 'utf8'),
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  },
  rename: (from, to) => rename(from, to),
  remove: (path) => rm(path, { force: true }),
  list: (directory) => readdir(directory),
  async syncDirectory(directory) {
    let handle;
    try {
      handle = await open(directory, 'r');
      await handle.sync();
    } catch (error) {
      // Windows opens no directory, and some file systems refuse to sync one: the rename is then as
      // durable as the platform makes it.
      if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP'].includes(String(codeOf(error)))) throw error;
    } finally {
      await handle?.close();
    }
  },
};
