#!/usr/bin/env node
// Turns bench/results/latest.json (or the file given) into the README's Markdown performance
// section on stdout. Usage: node bench/scripts/readme-perf.mjs [results.json] > perf.md
// (build first: the renderer is bench/dist/src/report/markdown.js).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderMarkdown } from '../dist/src/report/markdown.js'

const path = process.argv[2] === undefined
  ? fileURLToPath(new URL('../results/latest.json', import.meta.url))
  : resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2])
process.stdout.write(renderMarkdown(JSON.parse(readFileSync(path, 'utf8'))))
