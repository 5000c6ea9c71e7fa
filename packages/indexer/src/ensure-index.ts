// Loads a data file's index, building it first when it is missing, stale, corrupt, truncated
// or of another format version. An index that fails any check is never served from.
import {
  IndexFormatError, identifyDataFile, loadIndexFile, resolveIndexLocation,
  type IndexHeader, type IndexRejection, type SharedLineIndex
} from '@line-server/shared'
import { buildIndex, type BuildIndexOptions, type BuildIndexResult } from './build-index.js'

export interface EnsureIndexOptions extends Omit<BuildIndexOptions, 'indexPath'> {
  readonly indexDir?: string | undefined
}

export interface EnsuredIndex {
  readonly index: SharedLineIndex
  readonly header: IndexHeader
  readonly indexPath: string
  readonly locationNote: string | undefined
  /** Why the existing index was not used; undefined when it was. */
  readonly rebuiltBecause: IndexRejection | undefined
  readonly build: BuildIndexResult | undefined
  readonly loadSeconds: number
}

export async function ensureIndex (options: EnsureIndexOptions): Promise<EnsuredIndex> {
  const { indexPath, note } = resolveIndexLocation(options.dataPath, options.indexDir)
  const first = tryLoad(indexPath, options.dataPath)
  if (!(first instanceof IndexFormatError)) return { ...first, indexPath, locationNote: note, rebuiltBecause: undefined, build: undefined }
  const build = await buildIndex({ ...options, indexPath })
  const second = tryLoad(indexPath, options.dataPath)
  if (second instanceof IndexFormatError) throw new Error(`the index just built at ${indexPath} does not load: ${second.message}`)
  return { ...second, indexPath, locationNote: note, rebuiltBecause: first.reason, build }
}

function tryLoad (indexPath: string, dataPath: string): IndexFormatError | { index: SharedLineIndex, header: IndexHeader, loadSeconds: number } {
  const started = process.hrtime.bigint()
  try {
    const loaded = loadIndexFile(indexPath, identifyDataFile(dataPath))
    return { ...loaded, loadSeconds: Number(process.hrtime.bigint() - started) / 1e9 }
  } catch (err) {
    if (err instanceof IndexFormatError) return err
    throw err
  }
}
