// Start-up costs measured through the real CLIs: index build GB/s with the file in page cache
// (warm) and dropped from it (cold), the disk's own cold sequential read, restart time with an
// existing index, and index bytes per line.
import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LINE_INDEX_BIN, runCommand, startServer } from '@line-server/testkit'
import { middleBy } from './middle.js'

export interface IndexBuild { readonly seconds: number, readonly gbPerSec: number, readonly threads: number }

/** One cold round: the index build and the disk's own read, each from a dropped page cache. */
export interface ColdRound { readonly indexGbPerSec: number, readonly diskGbPerSec: number }

export interface IndexMeasures {
  readonly warm: readonly IndexBuild[]
  /** The cold build of the median round (by GB/s). */
  readonly cold: IndexBuild | undefined
  /** Median of the rounds' dd reads. */
  readonly diskColdGbPerSec: number | undefined
  /** Every cold round, in order; absent in results written before rounds were interleaved. */
  readonly coldRounds?: readonly ColdRound[]
  /** How the file was dropped from the page cache, or why it could not be. */
  readonly coldMethod: string
  readonly restartSeconds: { readonly median: number, readonly all: readonly number[], readonly indexLoadSeconds: number }
  readonly indexBytes: number
  readonly indexBytesPerLine: number
}

/** Reads the whole file so the warm measures really start from page cache. */
export function readThrough (path: string): void {
  const fd = openSync(path, 'r')
  const chunk = Buffer.allocUnsafe(8 * 1024 * 1024)
  try {
    let position = 0
    for (let got = 1; got > 0; position += got) got = readSync(fd, chunk, 0, chunk.length, position)
  } finally {
    closeSync(fd)
  }
}

/** Fraction of the file's pages in page cache (fincore), or undefined when fincore is missing. */
function cachedFraction (path: string): number | undefined {
  const out = spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', path], { encoding: 'utf8' })
  if (out.status !== 0) return undefined
  return Number(out.stdout.trim()) / Math.max(1, statSync(path).size)
}

/**
 * Drops one file from the page cache: fadvise(DONTNEED) through `dd iflag=nocache count=0` (only
 * this file, so other people's caches survive), then the global drop_caches if pages remain.
 */
export function dropFromPageCache (path: string): { ok: boolean, method: string } {
  spawnSync('sync', [path])
  spawnSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0', 'status=none'])
  const left = cachedFraction(path)
  if (left !== undefined && left < 0.01) return { ok: true, method: 'dd iflag=nocache (fadvise DONTNEED)' }
  const dropped = spawnSync('sh', ['-c', 'echo 1 > /proc/sys/vm/drop_caches'], { encoding: 'utf8' })
  const after = cachedFraction(path)
  if (dropped.status === 0 && (after === undefined || after < 0.01)) return { ok: true, method: 'echo 1 > /proc/sys/vm/drop_caches' }
  return { ok: false, method: `could not drop the file from page cache (${(after ?? left ?? 1) * 100 | 0}% still cached; drop_caches: ${dropped.stderr.trim() || 'no effect'})` }
}

async function buildIndex (dataPath: string, indexDir: string): Promise<IndexBuild> {
  rmSync(indexDir, { recursive: true, force: true })
  const run = await runCommand([LINE_INDEX_BIN, dataPath, '--index-dir', indexDir])
  const match = /in ([\d.]+) s \(([\d.]+) GB\/s, (\d+) threads\)/.exec(run.stdout)
  if (run.code !== 0 || match === null) throw new Error(`line-index failed (exit ${run.code}): ${run.stderr}${run.stdout}`)
  return { seconds: Number(match[1]), gbPerSec: Number(match[2]), threads: Number(match[3]) }
}

function diskReadGbPerSec (path: string): number | undefined {
  const started = performance.now()
  const dd = spawnSync('dd', [`if=${path}`, 'of=/dev/null', 'bs=8M'], { encoding: 'utf8' })
  const seconds = (performance.now() - started) / 1000
  return dd.status === 0 ? statSync(path).size / 1e9 / seconds : undefined
}

type ColdMeasures = Pick<IndexMeasures, 'cold' | 'diskColdGbPerSec' | 'coldRounds' | 'coldMethod'>

/**
 * Cold index builds against the disk's own cold read, interleaved round by round (the order
 * alternating) so both see the same disk: this disk's sequential speed swings 0.8-1.9 GB/s
 * from one read to the next, so a lone pair compares two different disks.
 */
async function measureCold (dataPath: string, scratch: string, rounds: number): Promise<ColdMeasures> {
  const builds: IndexBuild[] = []
  const coldRounds: ColdRound[] = []
  let coldMethod = ''
  for (let round = 0; round < rounds; round++) {
    let build: IndexBuild | undefined
    let diskGbPerSec: number | undefined
    for (const step of round % 2 === 0 ? ['index', 'disk'] : ['disk', 'index']) {
      const drop = dropFromPageCache(dataPath)
      coldMethod = drop.method
      if (!drop.ok) return { cold: undefined, diskColdGbPerSec: undefined, coldRounds, coldMethod }
      if (step === 'index') build = await buildIndex(dataPath, join(scratch, `cold-${round}`))
      else diskGbPerSec = diskReadGbPerSec(dataPath)
    }
    if (build === undefined || diskGbPerSec === undefined) continue
    builds.push(build)
    coldRounds.push({ indexGbPerSec: build.gbPerSec, diskGbPerSec })
  }
  return {
    cold: middleBy(builds, (b) => b.gbPerSec),
    diskColdGbPerSec: middleBy(coldRounds, (r) => r.diskGbPerSec)?.diskGbPerSec,
    coldRounds,
    coldMethod
  }
}

export async function measureIndex (dataPath: string, lines: number, cold: boolean, restarts: number, coldRounds: number): Promise<IndexMeasures> {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-index-'))
  try {
    readThrough(dataPath)
    const warm = [await buildIndex(dataPath, join(scratch, 'a')), await buildIndex(dataPath, join(scratch, 'b'))]
    let coldMeasures: ColdMeasures = { cold: undefined, diskColdGbPerSec: undefined, coldMethod: 'skipped (--no-cold)' }
    if (cold) {
      coldMeasures = await measureCold(dataPath, scratch, coldRounds)
      readThrough(dataPath)
    }
    return { warm, ...coldMeasures, ...await measureRestarts(dataPath, lines, restarts) }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** Spawn-to-"serving" time of the real server with its index already on disk. */
async function measureRestarts (dataPath: string, lines: number, count: number): Promise<Pick<IndexMeasures, 'restartSeconds' | 'indexBytes' | 'indexBytesPerLine'>> {
  const first = await startServer(dataPath, { readyTimeoutMs: 600_000 })
  await first.stop()
  const all: number[] = []
  let indexLoadSeconds = 0
  let indexPath = `${dataPath}.lidx`
  for (let i = 0; i < count; i++) {
    const started = performance.now()
    const server = await startServer(dataPath, { readyTimeoutMs: 600_000 })
    all.push((performance.now() - started) / 1000)
    const serving = server.logs.find((entry) => entry.msg === 'serving') ?? {}
    if (serving.indexBuilt === true) throw new Error('the index was rebuilt on restart; restart time would be wrong')
    indexLoadSeconds = Number(serving.indexSeconds ?? 0)
    if (typeof serving.indexPath === 'string') indexPath = serving.indexPath
    await server.stop()
  }
  const indexBytes = statSync(indexPath).size
  return {
    restartSeconds: { median: middleBy(all, (seconds) => seconds) ?? 0, all, indexLoadSeconds },
    indexBytes,
    indexBytesPerLine: indexBytes / Math.max(1, lines)
  }
}
