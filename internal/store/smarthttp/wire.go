package smarthttp

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"

	"github.com/gitwiki/gitwiki/internal/store"
)

// sidebandWriter frames the pack in side-band packets on channel 1. max is
// the data in one packet: git's packet limit less 4 length digits and the
// band byte. (go-git's Muxer overshoots the limit by 4 bytes.)
type sidebandWriter struct {
	pe  *pktline.Encoder
	max int
}

func (s *sidebandWriter) Write(p []byte) (int, error) { return s.send(sideband.PackData, p) }

func (s *sidebandWriter) send(ch sideband.Channel, p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(len(p), s.max)
		if err := s.pe.Encode(ch.WithPayload(p[:k])); err != nil {
			return n, err
		}
		n, p = n+k, p[k:]
	}
	return n, nil
}

// inflate undoes "Content-Encoding: gzip", which git uses for large fetch
// requests. A gzip stream cannot be mistaken for pkt-lines, whose first byte
// is a hex digit, so the body itself tells.
func inflate(r io.Reader, limit int64) (*bufio.Reader, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(2); err != nil || b[0] != 0x1f || b[1] != 0x8b {
		return br, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("bad gzip body: %w", err)
	}
	return bufio.NewReader(&capReader{r: zr, left: limit}), nil
}

// capReader fails, rather than truncates, past its limit.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, fmt.Errorf("request body: %w", store.ErrTooLarge)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// protocolError tells the client why its request is refused, in an "ERR"
// pkt-line that git prints as "remote error: ...".
func protocolError(w io.Writer, format string, a ...any) error {
	msg := oneLine(fmt.Sprintf(format, a...))
	pktline.NewEncoder(w).Encodef("ERR %s\n", msg)
	return fmt.Errorf("%w: %s", ErrProtocol, msg)
}

// serverError tells the client the server failed, without details, and
// returns err for the log.
func serverError(w io.Writer, err error) error {
	pktline.NewEncoder(w).Encodef("ERR gitwiki: internal error, see the server log\n")
	return err
}

// oneLine keeps a message to one printable line, as pkt-line reasons must be.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "")
	}
	return strings.TrimSpace(s)
}

// isFlushProbe reports whether body is git's probe before a large request:
// a bare flush, or nothing.
func isFlushProbe(body *bufio.Reader) bool {
	b, err := body.Peek(4)
	return err == io.EOF || err == nil && string(b) == "0000"
}
