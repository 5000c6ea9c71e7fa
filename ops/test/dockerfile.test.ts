// The Dockerfile and .dockerignore, read as text (no Docker engine runs here).
import test from 'ava'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BUILD_SCRIPT, DOCKERFILE, DOCKERIGNORE, REPO_ROOT, WORKSPACE_FILE } from '../src/repo-paths.js'
import { dockerfileStages, healthcheckCommand, ignoredBy } from '../src/dockerfile.js'

const dockerfile = readFileSync(DOCKERFILE, 'utf8')
const stages = dockerfileStages(dockerfile)

test('builds in a node:20-slim stage and runs in another', (t) => {
  t.regex(dockerfile, /^ARG NODE_IMAGE=node:20-slim$/m)
  // eslint-disable-next-line no-template-curly-in-string -- Dockerfile build arguments, literally
  t.deepEqual(stages.map((s) => s.from), ['${NODE_IMAGE} AS build', '${NODE_IMAGE} AS runtime'])
})

test('installs the pnpm version build.sh uses, the frozen lockfile, and compiles with tsc -b', (t) => {
  const buildSh = /^PNPM_VERSION=(\S+)$/m.exec(readFileSync(BUILD_SCRIPT, 'utf8'))?.[1]
  t.truthy(buildSh)
  t.regex(dockerfile, new RegExp(`^ARG PNPM_VERSION=${buildSh!.replaceAll('.', '\\.')}$`, 'm'))
  const build = stages[0]!.text
  t.regex(build, /pnpm install --frozen-lockfile/)
  t.regex(build, /pnpm exec tsc -b/)
  t.regex(build, /deploy --prod/)
})

test('every dependency patch the workspace names is copied in before pnpm fetch, which checks they exist', (t) => {
  const workspace = readFileSync(WORKSPACE_FILE, 'utf8')
  const patches = [...workspace.matchAll(/^\s+\S+: (patches\/\S+\.patch)$/gm)].map((m) => m[1]!)
  t.true(patches.length > 0, 'pnpm-workspace.yaml names its patches')
  const build = stages[0]!.text
  const fetchAt = build.indexOf('RUN pnpm fetch')
  const copyAt = build.search(/^COPY patches \.\/patches$/m)
  t.true(copyAt !== -1 && copyAt < fetchAt, 'COPY patches ./patches comes before RUN pnpm fetch')
  for (const patch of patches) t.true(existsSync(join(REPO_ROOT, patch)), `${patch} exists`)
})

test('the runtime stage runs as an unprivileged user with the index in a volume', (t) => {
  const runtime = stages[1]!.text
  t.regex(runtime, /^USER node$/m)
  t.regex(runtime, /LINE_SERVER_INDEX_DIR=\/var\/lib\/line-server\/index/)
  t.regex(runtime, /^VOLUME \["\/var\/lib\/line-server\/index"\]$/m)
  t.regex(runtime, /^CMD \["serve", "\/data\/file\.txt"\]$/m)
  t.false(/pnpm|tsc/.test(runtime.replace(/^#.*$/gm, '')), 'no build tools in the runtime stage')
})

test('the health check asks /readyz with node, since the slim image has no curl', (t) => {
  const command = healthcheckCommand(dockerfile)
  t.is(command[0], 'node')
  t.true(command.join(' ').includes('/readyz'))
  t.false(/curl|wget/.test(dockerfile.replace(/^#.*$/gm, '')))
})

test('.dockerignore keeps dependencies, build output, data and git out, and what the build reads in', (t) => {
  const patterns = readFileSync(DOCKERIGNORE, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
  for (const path of ['node_modules/koa/package.json', 'packages/gateway/node_modules/x', 'packages/gateway/dist/src/main.js', '.git/HEAD', 'data/demo.txt', 'file.txt.lidx']) {
    t.true(ignoredBy(patterns, path), `${path} should be ignored`)
  }
  for (const path of ['pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc', 'package.json', 'tsconfig.json', 'tsconfig.base.json',
    'packages/gateway/src/main.ts', 'packages/gateway/bin/line-server.js', 'bench/package.json', 'ops/package.json', 'patches/koa@3.3.0.patch']) {
    t.false(ignoredBy(patterns, path), `${path} is needed by the build`)
  }
})
