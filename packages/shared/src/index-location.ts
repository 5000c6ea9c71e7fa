// Where a data file's index lives: next to it by default, in --index-dir when given, and in a
// per-user cache directory when the data file's directory cannot be written (a read-only mount).
import { accessSync, constants, mkdirSync, realpathSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { homedir } from 'node:os'
import { createHash } from 'node:crypto'

export const INDEX_SUFFIX = '.lidx'

export interface IndexLocation {
  readonly indexPath: string
  /** Why the index is not next to the data file, for the start-up log; undefined when it is. */
  readonly note: string | undefined
}

export function resolveIndexLocation (dataPath: string, indexDir: string | undefined): IndexLocation {
  if (indexDir !== undefined) {
    mkdirSync(indexDir, { recursive: true })
    return { indexPath: join(indexDir, uniqueIndexName(dataPath)), note: `index directory ${indexDir}` }
  }
  const besideData = `${dataPath}${INDEX_SUFFIX}`
  if (isWritableDirectory(dirname(dataPath))) return { indexPath: besideData, note: undefined }
  const cacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'line-server')
  mkdirSync(cacheDir, { recursive: true })
  return {
    indexPath: join(cacheDir, uniqueIndexName(dataPath)),
    note: `${dirname(dataPath)} is not writable; using ${cacheDir} (set --index-dir to choose)`
  }
}

// Two data files with the same name in different directories must not share an index file.
function uniqueIndexName (dataPath: string): string {
  const real = realpathSync(dataPath)
  const digest = createHash('sha256').update(real).digest('hex').slice(0, 16)
  return `${basename(real)}.${digest}${INDEX_SUFFIX}`
}

function isWritableDirectory (dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK)
    return true
  } catch {
    return false
  }
}
