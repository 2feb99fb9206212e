package importer

import "errors"

// Sentinel errors; callers test them with errors.Is. Each is wrapped with
// the file or entry it is about.
var (
	// ErrSource: the source is missing, empty, or not what the importer reads.
	ErrSource = errors.New("cannot import this source")
	// ErrUnsafe: the source tries to reach outside itself (a zip entry with
	// "..", an absolute path, a symlink leaving the folder).
	ErrUnsafe = errors.New("unsafe import source")
	// ErrTooLarge: the source passes one of the Limits (zip bombs included).
	ErrTooLarge = errors.New("import source too large")
	// ErrConflict: the import would overwrite files without Force.
	ErrConflict = errors.New("import would overwrite existing files")
)
