package store

import (
	"context"
	"io"
)

// InstallPack stores a pack fetched from another repository (an upstream
// host, or a peer on disk) exactly as a pushed pack is stored: written
// aside, verified and indexed, then renamed into place index first, so a
// kill at any point leaves the repository as it was. A thin pack is
// refused; ask the other side for a complete one. It moves no ref: publish
// what it brought with UpdateRef.
func (r *Repo) InstallPack(ctx context.Context, src io.Reader) error {
	_, err := r.installPack(ctx, src)
	return err
}
