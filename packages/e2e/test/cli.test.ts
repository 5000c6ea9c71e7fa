// The CLIs as a user runs them: configuration errors (exit 2, every problem listed), missing or
// unreadable files (exit 1), --help, env vars, line-index, pnpm --filter and --index-dir.
import test from 'ava'
import { spawn } from 'node:child_process'
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { delimiter, join, relative } from 'node:path'
import { freePort, runCommand, LINE_INDEX_BIN, LINE_SERVER_BIN, REPO_ROOT } from '@line-server/testkit'
import { fixtureDir } from './helpers/fixtures.js'
import { launchServeCommand, serveFile, servingLog } from './helpers/server.js'

const RUNNING_AS_ROOT = process.getuid?.() === 0

function dataFile (dir: string, content = 'one\ntwo\nthree\n'): string {
  const path = join(dir, 'data.txt')
  writeFileSync(path, content)
  return path
}

async function serveCli (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return await runCommand([LINE_SERVER_BIN, ...args], { env })
}

test('exits 2 and lists every problem for --port abc --cache-bytes lots', async (t) => {
  const dir = fixtureDir(t)
  const result = await serveCli(['serve', dataFile(dir), '--port', 'abc', '--cache-bytes', 'lots'])
  t.is(result.code, 2)
  t.regex(result.stderr, /--port.*abc/)
  t.regex(result.stderr, /--cache-bytes.*lots/)
  t.is(result.stdout, '')
})

test('exits 2 and lists every problem given through environment variables', async (t) => {
  const dir = fixtureDir(t)
  const result = await serveCli(['serve', dataFile(dir)], { PORT: 'abc', LINE_SERVER_THREADS: '0', LINE_SERVER_ACCESS_LOG: 'maybe', LINE_SERVER_CACHE_BYTES: '-5' })
  t.is(result.code, 2)
  for (const name of ['PORT', 'LINE_SERVER_THREADS', 'LINE_SERVER_ACCESS_LOG', 'LINE_SERVER_CACHE_BYTES']) t.regex(result.stderr, new RegExp(`\\b${name}\\b`))
})

test('exits 2 for bad configuration before looking at the data file', async (t) => {
  const result = await serveCli(['serve', '/no/such/file.txt', '--port', '70000'])
  t.is(result.code, 2)
  t.regex(result.stderr, /--port/)
})

for (const [name, args] of [
  ['an unknown option', ['--no-such-option', '1']],
  ['no data file', []],
  ['two data files', ['other.txt']],
  ['a flag without its value', ['--threads']],
  ['a port out of range', ['--port', '65536']]
] as const) {
  test(`exits 2 with a message for ${name}`, async (t) => {
    const dir = fixtureDir(t)
    const fileArgs = name === 'no data file' ? [] : [dataFile(dir)]
    const result = await serveCli(['serve', ...fileArgs, ...args])
    t.is(result.code, 2)
    t.regex(result.stderr, /invalid configuration/)
  })
}

test('exits 1 with a clear message when the data file does not exist', async (t) => {
  const dir = fixtureDir(t)
  const missing = join(dir, 'missing.txt')
  const result = await serveCli(['serve', missing, '--port', '0'])
  t.is(result.code, 1)
  t.true(result.stderr.includes(missing), result.stderr)
  t.regex(result.stderr, /does not exist/)
})

test('exits 1 with a clear message when the data path is a directory', async (t) => {
  const dir = fixtureDir(t)
  const result = await serveCli(['serve', dir, '--port', '0'])
  t.is(result.code, 1)
  t.true(result.stderr.includes(dir), result.stderr)
  t.regex(result.stderr, /not a regular file/)
})

// Root reads files whatever their mode: as root, the server is run as user nobody instead.
test('exits 1 with a clear message when the data file is unreadable', async (t) => {
  const dir = fixtureDir(t)
  chmodSync(dir, 0o755)
  const path = dataFile(dir)
  chmodSync(path, 0o000)
  t.teardown(() => { chmodSync(path, 0o644) })
  const asUser = RUNNING_AS_ROOT ? { uid: 65534, gid: 65534 } : {}
  const result = await new Promise<{ code: number | null, stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [LINE_SERVER_BIN, 'serve', path, '--port', '0'], { ...asUser, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text })
    child.once('close', (code) => { resolve({ code, stderr }) })
  })
  t.is(result.code, 1)
  t.true(result.stderr.includes(path), result.stderr)
  t.regex(result.stderr, /not readable|permission denied/i)
})

// Start-up can fail after the port is bound (here: --index-dir cannot be created): the server
// must release the port and exit 1, not keep answering /readyz "starting".
test('exits 1 when the index directory cannot be created', async (t) => {
  const dir = fixtureDir(t)
  writeFileSync(join(dir, 'a-file'), '')
  const child = spawn(process.execPath, [LINE_SERVER_BIN, 'serve', dataFile(dir), '--port', '0', '--host', '127.0.0.1', '--index-dir', join(dir, 'a-file', 'sub')], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => { output += text })
  child.stderr.setEncoding('utf8').on('data', (text: string) => { output += text })
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve))
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const code = await Promise.race([exited, new Promise<'running'>((resolve) => setTimeout(() => { resolve('running') }, 10_000))])
  t.is(code, 1, `still running 10 s after start; output: ${output}`)
  t.regex(output, /a-file/)
})

test('exits 1 with a clear message, not a stack trace, when the port is already in use', async (t) => {
  const dir = fixtureDir(t)
  const holder = createServer()
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { holder.close() })
  const { port } = holder.address() as { port: number }
  const result = await serveCli(['serve', dataFile(dir), '--port', String(port), '--host', '127.0.0.1'])
  t.is(result.code, 1)
  t.regex(result.stdout + result.stderr, /EADDRINUSE|already in use/)
  t.notRegex(result.stderr, /Unhandled 'error' event|\n\s+at /)
})

test('serve --help lists every option with its environment variable and exits 0', async (t) => {
  const result = await serveCli(['serve', 'any-file.txt', '--help'])
  t.is(result.code, 0)
  const flags = ['port', 'host', 'cache-bytes', 'threads', 'index-dir', 'index-threads', 'checkpoint-bytes', 'checkpoint-lines', 'shutdown-timeout-ms', 'access-log']
  for (const flag of flags) t.regex(result.stdout, new RegExp(`--${flag}\\b`), flag)
  t.regex(result.stdout, /env PORT\b/)
  t.regex(result.stdout, /env HOST\b/)
  // Every option line is followed by its env var line.
  const optionLines = result.stdout.split('\n').filter((line) => /^ {2}--[a-z-]+/.test(line) && !line.includes('--help'))
  const envLines = result.stdout.split('\n').filter((line) => /^\s+env (PORT|HOST|LINE_SERVER_[A-Z_]+)$/.test(line))
  t.true(optionLines.length >= flags.length)
  t.is(envLines.length, optionLines.length)
})

test('line-index --help lists its options and exits 0', async (t) => {
  const result = await runCommand([LINE_INDEX_BIN, '--help'])
  t.is(result.code, 0)
  for (const flag of ['index-dir', 'index-threads', 'checkpoint-bytes', 'checkpoint-lines']) t.regex(result.stdout, new RegExp(`--${flag}\\b`))
})

test('takes its port and host from PORT and HOST', async (t) => {
  const dir = fixtureDir(t)
  const port = await freePort()
  const server = await launchServeCommand(['serve', dataFile(dir)], { env: { PORT: String(port), HOST: '127.0.0.1' } })
  t.teardown(async () => { await server.stop() })
  t.like(servingLog(server), { port, host: '127.0.0.1' })
  t.is((await fetch(`http://127.0.0.1:${port}/lines/2`).then(async (r) => await r.text())), 'two')
})

test('a flag wins over its environment variable', async (t) => {
  const dir = fixtureDir(t)
  const server = await serveFile(t, dataFile(dir), { env: { PORT: 'not-a-port', LINE_SERVER_THREADS: '1' }, args: ['--threads', '2'] })
  t.like(servingLog(server), { threads: 2 })
})

test('line-index builds the index, prints one summary line, and then finds it up to date', async (t) => {
  const dir = fixtureDir(t)
  const path = dataFile(dir)
  const first = await runCommand([LINE_INDEX_BIN, path])
  t.is(first.code, 0, first.stderr)
  t.is(first.stdout.split('\n').filter(Boolean).length, 1)
  t.regex(first.stdout, /^indexed .*data\.txt: 3 lines, 14 bytes/)
  t.true(existsSync(`${path}.lidx`))
  const second = await runCommand([LINE_INDEX_BIN, path])
  t.is(second.code, 0)
  t.regex(second.stdout, /up to date: 3 lines/)
})

test('line-index exits 1 for a missing file and 2 for a bad option', async (t) => {
  const dir = fixtureDir(t)
  const missing = await runCommand([LINE_INDEX_BIN, join(dir, 'missing.txt')])
  t.is(missing.code, 1)
  t.regex(missing.stderr, /does not exist/)
  const bad = await runCommand([LINE_INDEX_BIN, dataFile(dir), '--index-threads', 'many'])
  t.is(bad.code, 2)
  t.regex(bad.stderr, /--index-threads/)
})

test('line-server index <file> builds the index like line-index', async (t) => {
  const dir = fixtureDir(t)
  const path = dataFile(dir)
  const result = await serveCli(['index', path])
  t.is(result.code, 0, result.stderr)
  t.regex(result.stdout, /^indexed /)
  t.true(existsSync(`${path}.lidx`))
})

function findPnpm (): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'pnpm')
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {}
  }
  return join(REPO_ROOT, '.tools/node_modules/.bin/pnpm')
}

for (const cwd of ['', 'packages/gateway']) {
  test(`pnpm --filter indexer start resolves a relative file against the caller's directory (${cwd === '' ? 'repo root' : cwd})`, async (t) => {
    const dir = fixtureDir(t)
    const path = dataFile(dir)
    const callerDir = join(REPO_ROOT, cwd)
    const result = await new Promise<{ code: number | null, output: string }>((resolve) => {
      const child = spawn(findPnpm(), ['--filter', 'indexer', 'start', relative(callerDir, path)], { cwd: callerDir, stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      child.stdout.setEncoding('utf8').on('data', (text: string) => { output += text })
      child.stderr.setEncoding('utf8').on('data', (text: string) => { output += text })
      child.once('close', (code) => { resolve({ code, output }) })
    })
    t.is(result.code, 0, result.output)
    t.true(result.output.split('\n').some((line) => line.startsWith(`indexed ${path}: 3 lines`)), result.output)
    t.true(existsSync(`${path}.lidx`))
  })
}

test('--index-dir puts the index in that directory and nothing next to the data file', async (t) => {
  const dir = fixtureDir(t)
  const path = dataFile(dir)
  const indexDir = join(dir, 'indexes', 'nested')
  const server = await serveFile(t, path, { args: ['--index-dir', indexDir] })
  const indexPath = String(servingLog(server).indexPath)
  t.true(indexPath.startsWith(indexDir), indexPath)
  t.true(existsSync(indexPath))
  t.deepEqual(readdirSync(indexDir).filter((name) => name.endsWith('.lidx')).length, 1)
  t.false(existsSync(`${path}.lidx`))
  t.is(await (await fetch(`${server.url}/lines/3`)).text(), 'three')
  t.is(await server.stop(), 0)
  // line-index and LINE_SERVER_INDEX_DIR find the same index.
  const checked = await runCommand([LINE_INDEX_BIN, path], { env: { LINE_SERVER_INDEX_DIR: indexDir } })
  t.regex(checked.stdout, /up to date/)
  t.true(checked.stdout.includes(indexPath), checked.stdout)
})

test('two data files of the same name in different directories get different indexes in one --index-dir', async (t) => {
  const dir = fixtureDir(t)
  const indexDir = join(dir, 'idx')
  const a = join(dir, 'a')
  const b = join(dir, 'b')
  mkdirSync(a)
  mkdirSync(b)
  const pathA = dataFile(a, 'from a\n')
  const pathB = dataFile(b, 'from b\n')
  for (const path of [pathA, pathB]) t.is((await runCommand([LINE_INDEX_BIN, path, '--index-dir', indexDir])).code, 0)
  t.is(readdirSync(indexDir).filter((name) => name.endsWith('.lidx')).length, 2)
  const server = await serveFile(t, pathB, { args: ['--index-dir', indexDir] })
  t.like(servingLog(server), { indexBuilt: false })
  t.is(await (await fetch(`${server.url}/lines/1`)).text(), 'from b')
})

test('resolves a relative data path against its own working directory when INIT_CWD is inherited', async (t) => {
  const dir = fixtureDir(t)
  dataFile(dir)
  for (const args of [[LINE_INDEX_BIN, 'data.txt'], [LINE_SERVER_BIN, 'index', 'data.txt']]) {
    const result = await runCommand(args, { cwd: dir, env: { INIT_CWD: REPO_ROOT } })
    t.is(result.code, 0, result.stderr)
    t.true(existsSync(join(dir, 'data.txt.lidx')))
  }
})
