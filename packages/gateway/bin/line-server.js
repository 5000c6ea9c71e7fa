#!/usr/bin/env node
import { runMain } from '../dist/src/main.js'
process.exitCode = await runMain(process.argv.slice(2))
