import test from 'ava'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCommandLine } from '@line-server/shared'
import { INDEX_OPTIONS, checkReadableFile } from '../src/cli.js'
import { createTempDir } from '@line-server/testkit'

test('says nothing about a readable regular file', (t) => {
  const path = join(createTempDir(t), 'data.txt')
  writeFileSync(path, 'a\n')
  t.is(checkReadableFile(path), undefined)
})

test('says what is wrong with a path that is not a readable file', (t) => {
  const dir = createTempDir(t)
  mkdirSync(join(dir, 'sub'))
  t.regex(checkReadableFile(join(dir, 'missing.txt')) ?? '', /does not exist/)
  t.regex(checkReadableFile(join(dir, 'sub')) ?? '', /not a regular file/)
})

test('the index options reject checkpoint spacing outside their bounds, all at once', (t) => {
  const parsed = parseCommandLine(INDEX_OPTIONS, ['--checkpoint-lines=0', '--checkpoint-bytes=1k', '--index-threads=999'], {})
  t.is(parsed.problems.length, 2, parsed.problems.join('; '))
  t.true(parsed.problems.some((p) => p.includes('--checkpoint-lines')))
  t.true(parsed.problems.some((p) => p.includes('--index-threads')))
  t.is(parseCommandLine(INDEX_OPTIONS, [], { LINE_SERVER_CHECKPOINT_BYTES: '64KiB' }).values['checkpoint-bytes'], 65536)
})
