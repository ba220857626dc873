import { dirname } from 'node:path';
import type { StateFileSystem } from '../../src/cli/state-file-system.js';

/** One file operation, as a test reads it back. */
export type FileOperation =
  | { readonly op: 'append'; readonly path: string; readonly bytes: number }
  | { readonly op: 'sync' | 'close' | 'readText' | 'exists' | 'readLines' | 'remove' | 'list' | 'syncDirectory'; readonly path: string }
  | { readonly op: 'open'; readonly path: string; readonly flags: 'wx' | 'a' }
  | { readonly op: 'rename'; readonly path: string; readonly to: string };

/** A {@link StateFileSystem} in memory that logs every operation, and can be made to fail one. */
export interface MemoryFileSystem extends StateFileSystem {
  /** Every file's text, by path. Tests may read and write it directly (a "kill" leaves it as it is). */
  readonly files: Map<string, string>;
  /** Every operation so far. */
  readonly operations: FileOperation[];
  /** Makes the next operation of this kind throw an error with this code. */
  failNext(op: FileOperation['op'], code: string): void;
}

const systemError = (code: string, path: string) => Object.assign(new Error(`${code}: ${path}`), { code, syscall: 'test', path });

/** A file system in memory, for the state file's unit tests: fast, countable, and killable at any point. */
export function createMemoryFileSystem(): MemoryFileSystem {
  const files = new Map<string, string>();
  const operations: FileOperation[] = [];
  const failures = new Map<FileOperation['op'], string>();
  const log = (operation: FileOperation) => {
    operations.push(operation);
    const code = failures.get(operation.op);
    if (code !== undefined) {
      failures.delete(operation.op);
      throw systemError(code, operation.path);
    }
  };
  return {
    files,
    operations,
    failNext: (op, code) => void failures.set(op, code),
    async readText(path) {
      log({ op: 'readText', path });
      return files.get(path);
    },
    async exists(path) {
      log({ op: 'exists', path });
      return files.has(path);
    },
    async *readLines(path) {
      log({ op: 'readLines', path });
      const lines = (files.get(path) ?? '').split('\n');
      if (lines.at(-1) === '') lines.pop();
      yield* lines;
    },
    async open(path, flags) {
      log({ op: 'open', path, flags });
      if (flags === 'wx' && files.has(path)) throw systemError('EEXIST', path);
      if (!files.has(path)) files.set(path, '');
      let open = true;
      return {
        async append(text) {
          log({ op: 'append', path, bytes: Buffer.byteLength(text) });
          if (!open) throw systemError('EBADF', path);
          files.set(path, `${files.get(path) ?? ''}${text}`);
        },
        async sync() {
          log({ op: 'sync', path });
        },
        async close() {
          log({ op: 'close', path });
          open = false;
        },
      };
    },
    async rename(from, to) {
      log({ op: 'rename', path: from, to });
      const text = files.get(from);
      if (text === undefined) throw systemError('ENOENT', from);
      files.set(to, text);
      files.delete(from);
    },
    async remove(path) {
      log({ op: 'remove', path });
      files.delete(path);
    },
    async list(directory) {
      log({ op: 'list', path: directory });
      return [...files.keys()].filter((path) => dirname(path) === directory).map((path) => path.slice(directory.length + 1));
    },
    async syncDirectory(directory) {
      log({ op: 'syncDirectory', path: directory });
    },
  };
}
