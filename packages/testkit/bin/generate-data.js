#!/usr/bin/env node
import { runGenerateCli } from '../dist/src/generate-cli.js'
process.exitCode = await runGenerateCli(process.argv.slice(2))
