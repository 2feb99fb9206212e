package importer

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"unicode/utf8"
)

// Dump writes the result as a txtar archive: the report, then every file
// with its content (binary files as their size and hash). It is how an
// import is reviewed without committing it (gitwiki import --dry-run) and
// what the importers' golden tests compare.
func (res *Result) Dump() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("-- report --\n")
	res.Report.Print(&b)
	for _, p := range res.Pages {
		data, err := p.Bytes()
		if err != nil {
			return nil, err
		}
		dumpFile(&b, p.Path, data)
	}
	for _, f := range res.Files {
		dumpFile(&b, f.Path, f.Data)
	}
	return b.Bytes(), nil
}

func dumpFile(b *bytes.Buffer, name string, data []byte) {
	fmt.Fprintf(b, "-- %s --\n", name)
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 || bytes.Contains(data, []byte("\n-- ")) {
		fmt.Fprintf(b, "(%d bytes, sha256 %x)\n", len(data), sha256.Sum256(data))
		return
	}
	b.Write(data)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		b.WriteByte('\n')
	}
}
