// Writes a data file into a test's temp directory and indexes it with the real indexer.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { identifyDataFile, loadIndexFile, type DataFileIdentity, type SharedLineIndex } from '@line-server/shared'
import { buildIndex } from '@line-server/indexer'

export interface IndexedFile {
  readonly dataPath: string
  readonly index: SharedLineIndex
  readonly identity: DataFileIdentity
}

export async function indexData (dir: string, name: string, data: Buffer | undefined, checkpointEveryLines = 64, checkpointEveryBytes = 16 * 1024): Promise<IndexedFile> {
  const dataPath = join(dir, name)
  if (data !== undefined) writeFileSync(dataPath, data)
  const indexPath = join(dir, `${name}.K${checkpointEveryLines}.B${checkpointEveryBytes}.lidx`)
  await buildIndex({ dataPath, indexPath, checkpointEveryLines, checkpointEveryBytes })
  const identity = identifyDataFile(dataPath)
  return { dataPath, index: loadIndexFile(indexPath, identity).index, identity }
}
