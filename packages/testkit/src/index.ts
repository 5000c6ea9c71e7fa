// Test and benchmark helpers: reproducible data files and the real server as a child process.
export { expectedLine, generateDataFile, type DataSpec, type GeneratedFile } from './datagen.js'
export { startServer, attachServerProcess, freePort, runCommand, REPO_ROOT, LINE_SERVER_BIN, LINE_INDEX_BIN, type ServerProcess, type StartServerOptions } from './server-process.js'
export { parseBytes } from './sizes.js'
export { createTempDir, referenceLines, referenceLineStarts, referenceCheckpoints, createRandom, randomData, edgeCaseFiles } from './reference-data.js'
