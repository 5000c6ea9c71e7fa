// The benchmark's data file: generated once per (size, seed) under the data directory and reused
// while its sidecar description still matches the file on disk.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateDataFile } from '@line-server/testkit'

export interface DataFile {
  readonly path: string
  readonly bytes: number
  readonly lines: number
  readonly seed: number
  /** True when an existing file was reused rather than generated in this run. */
  readonly reused: boolean
  readonly generateSeconds: number
}

interface Sidecar { readonly requestedBytes: number, readonly seed: number, readonly bytes: number, readonly lines: number }

export function ensureDataFile (dataDir: string, requestedBytes: number, seed: number): DataFile {
  mkdirSync(dataDir, { recursive: true })
  const path = join(dataDir, `lines-${requestedBytes}-seed${seed}.txt`)
  const sidecarPath = `${path}.json`
  const existing = readSidecar(sidecarPath)
  if (existing !== undefined && existsSync(path) && statSync(path).size === existing.bytes &&
      existing.requestedBytes === requestedBytes && existing.seed === seed) {
    return { path, bytes: existing.bytes, lines: existing.lines, seed, reused: true, generateSeconds: 0 }
  }
  const started = performance.now()
  // Generate under a temporary name so an interrupted run never leaves a half file to reuse.
  const partial = `${path}.partial`
  const made = generateDataFile(partial, requestedBytes, { seed })
  renameSync(partial, path)
  const sidecar: Sidecar = { requestedBytes, seed, bytes: made.bytes, lines: made.lines }
  writeFileSync(sidecarPath, JSON.stringify(sidecar) + '\n')
  return { path, bytes: made.bytes, lines: made.lines, seed, reused: false, generateSeconds: (performance.now() - started) / 1000 }
}

function readSidecar (path: string): Sidecar | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Sidecar
  } catch {
    return undefined
  }
}
