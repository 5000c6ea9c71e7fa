# Sourced by the bench's shell scripts: the checks and look-ups they all start with.

# Exits 2 unless the data file exists.
require_data_file () {
  [ -f "$1" ] || { echo "no data file $1 (pnpm bench --quick generates bench/.data files)" >&2; exit 2; }
}

# Exits 2 naming the first of the given commands that is not installed.
require_tools () {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install $tool)" >&2; exit 2; }
  done
}

# Lines in a data file: from the generator's .json beside it, else counted.
data_line_count () {
  node -p "JSON.parse(require('fs').readFileSync('$1.json', 'utf8')).lines" 2>/dev/null || wc -l < "$1"
}

# A TCP port that was free a moment ago.
free_port () {
  node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close() })"
}
