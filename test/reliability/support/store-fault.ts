import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real way to make the running gateway's SQLite commits fail, and to undo it:
 * - `full-filesystem`: the data directory is a small tmpfs of its own, filled up with a filler
 *   file (ENOSPC: SQLite answers SQLITE_FULL), then freed. This is the disk-full case itself.
 *   Needs the right to mount (root with CAP_SYS_ADMIN, as on the development machine).
 * - `file-size-limit`: where mounting is not permitted (CI runners), the gateway process's
 *   RLIMIT_FSIZE is lowered to 0 with prlimit(1), as a file-size quota would: every write that
 *   extends a file fails (EFBIG; Node ignores SIGXFSZ), then the limit is lifted again.
 * Running as root, chmod would not stop writes, and deleting the WAL under an open connection
 * silently loses commits instead of failing them, so neither is used.
 */
export interface StoreFault {
  kind: 'full-filesystem' | 'file-size-limit';
  /** The gateway's DATA_DIR. */
  dataDir: string;
  makeUnwritable(gatewayPid: number): void;
  makeWritable(gatewayPid: number): void;
  dispose(): void;
}

const FILESYSTEM_SIZE = '64m';
const FILLER = '.filler';

/** The full filesystem when mounting is permitted, else the file-size limit; or as `kind` says. */
export function prepareStoreFault(kind?: StoreFault['kind']): StoreFault {
  const dataDir = mkdtempSync(join(tmpdir(), 'reliability-store-'));
  if (kind === 'file-size-limit') return fileSizeLimit(dataDir);
  try {
    execFileSync(
      'mount',
      ['-t', 'tmpfs', '-o', `size=${FILESYSTEM_SIZE},mode=0700`, 'tmpfs', dataDir],
      {
        stdio: 'pipe',
      },
    );
    return fullFilesystem(dataDir);
  } catch (error) {
    if (kind === 'full-filesystem') throw error;
    return fileSizeLimit(dataDir);
  }
}

function fullFilesystem(dataDir: string): StoreFault {
  const filler = join(dataDir, FILLER);
  return {
    kind: 'full-filesystem',
    dataDir,
    makeUnwritable: () => fill(filler),
    makeWritable: () => unlinkSync(filler),
    dispose: () => {
      // Lazy: the gateway may still hold files open if a test failed half-way.
      execFileSync('umount', ['-l', dataDir], { stdio: 'pipe' });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Writes until the filesystem has no block left: big chunks first, then single pages. */
function fill(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const size of [1 << 20, 4096, 512]) {
      const chunk = Buffer.alloc(size, 0xa5);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

function fileSizeLimit(dataDir: string): StoreFault {
  const setSoftLimit = (pid: number, limit: string) =>
    execFileSync('prlimit', [`--pid=${pid}`, `--fsize=${limit}:`], { stdio: 'pipe' });
  return {
    kind: 'file-size-limit',
    dataDir,
    makeUnwritable: (pid) => setSoftLimit(pid, '0'),
    makeWritable: (pid) => setSoftLimit(pid, 'unlimited'),
    dispose: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
