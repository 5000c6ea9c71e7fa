import test from 'ava'
import { openSync, closeSync, writeFileSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { FINGERPRINT_SPAN_BYTES, identifyDataFile, identifyOpenDataFile, sameIdentity } from '../src/fingerprint.js'
import { createTempDir } from './helpers/temp-dir.js'

test('identifies a file by size, mtime and a 32-byte fingerprint', (t) => {
  const path = join(createTempDir(t), 'data.txt')
  writeFileSync(path, 'hello\nworld\n')
  const id = identifyDataFile(path)
  t.is(id.sizeBytes, 12)
  t.is(id.mtimeNs, statSync(path, { bigint: true }).mtimeNs)
  t.is(id.fingerprint.length, 32)
  t.true(sameIdentity(id, identifyDataFile(path)))
})

test('an open file and its path give the same identity', (t) => {
  const path = join(createTempDir(t), 'data.txt')
  writeFileSync(path, 'x\n'.repeat(100_000))
  const fd = openSync(path, 'r')
  t.teardown(() => { closeSync(fd) })
  t.true(sameIdentity(identifyOpenDataFile(fd), identifyDataFile(path)))
})

test('an empty file has an identity', (t) => {
  const path = join(createTempDir(t), 'empty.txt')
  writeFileSync(path, '')
  const id = identifyDataFile(path)
  t.is(id.sizeBytes, 0)
  t.is(id.fingerprint.length, 32)
})

test('a change in the first or last 64 KiB changes the fingerprint, size and mtime kept', (t) => {
  const path = join(createTempDir(t), 'data.txt')
  const size = FINGERPRINT_SPAN_BYTES * 3
  const original = Buffer.alloc(size, 'abc\n')
  writeFileSync(path, original)
  const { atime, mtime } = statSync(path)
  const before = identifyDataFile(path)
  for (const at of [0, FINGERPRINT_SPAN_BYTES - 1, size - FINGERPRINT_SPAN_BYTES, size - 1]) {
    const changed = Buffer.from(original)
    changed[at] = 0x5a
    writeFileSync(path, changed)
    utimesSync(path, atime, mtime)
    const after = identifyDataFile(path)
    t.is(after.sizeBytes, before.sizeBytes)
    t.false(after.fingerprint.equals(before.fingerprint), `byte ${at}`)
    t.false(sameIdentity(before, after))
  }
})

test('identities differ when only the size or only the mtime differs', (t) => {
  const path = join(createTempDir(t), 'data.txt')
  writeFileSync(path, 'abc\n')
  const id = identifyDataFile(path)
  t.false(sameIdentity(id, { ...id, sizeBytes: id.sizeBytes + 1 }))
  t.false(sameIdentity(id, { ...id, mtimeNs: id.mtimeNs + 1n }))
})
