// Finds nginx and wrk, installing them with apt-get when missing and allowed (`apt-get update`
// at most once per run). Returns undefined with a note when a tool cannot be had.
import { accessSync, constants } from 'node:fs'
import { spawnSync } from 'node:child_process'

const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin']
let aptUpdated = false

export function findBinary (name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), ...EXTRA_DIRS]) {
    if (dir === '') continue
    try {
      accessSync(`${dir}/${name}`, constants.X_OK)
      return `${dir}/${name}`
    } catch {}
  }
  return undefined
}

export function ensureBinary (name: string, aptPackage: string, install: boolean, notes: string[]): string | undefined {
  const found = findBinary(name)
  if (found !== undefined || !install) {
    if (found === undefined) notes.push(`${name} not installed (and --no-install): skipped`)
    return found
  }
  if (process.getuid?.() !== 0) {
    notes.push(`${name} not installed and not root: skipped (apt-get install -y ${aptPackage})`)
    return undefined
  }
  process.stderr.write(`bench: installing ${aptPackage} with apt-get\n`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (!aptUpdated) {
    spawnSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env })
    aptUpdated = true
  }
  const installed = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', aptPackage], { stdio: ['ignore', 'ignore', 'inherit'], env })
  const after = findBinary(name)
  if (after === undefined) notes.push(`${name}: apt-get install ${aptPackage} failed (exit ${installed.status}): skipped`)
  return after
}
