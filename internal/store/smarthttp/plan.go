package smarthttp

import (
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/pktline"
)

// fetchPlan is what the request's wants and shallow lines make of a
// fetch, before negotiation: the commits whose parents the client does not
// or will not have, and what deepening a shallow clone changes.
type fetchPlan struct {
	// grafts are walked without their parents: the client's shallow
	// commits and the new shallow boundary.
	grafts map[plumbing.Hash]bool
	// shallow are the new boundary commits to announce, unshallow the
	// client's shallow commits that get their parents now.
	shallow, unshallow []plumbing.Hash
	// extraWants are the parents of unshallowed commits; edges are the
	// unshallowed commits themselves, which the client has.
	extraWants, edges []plumbing.Hash
}

// plan checks the wants and works out the shallow boundary, as git's
// upload-pack does for "deepen <n>" (counted from the wants) and, with
// deepen-relative, from the client's current shallow commits.
func (s *Server) plan(wk *walker, ur *uploadRequest, tips map[string]plumbing.Hash) (*fetchPlan, error) {
	isTip := map[plumbing.Hash]bool{}
	var tipList []plumbing.Hash
	for _, t := range tips {
		if !isTip[t] {
			isTip[t] = true
			tipList = append(tipList, t)
		}
	}
	// A ref may have moved between "info/refs" and this request: an
	// ancestor of a tip is as public as the tip.
	var others []plumbing.Hash
	for _, want := range ur.wants {
		if !isTip[want] {
			others = append(others, want)
		}
	}
	if len(others) > 0 {
		ok, err := wk.reachable(others, tipList)
		if err != nil {
			return nil, err
		}
		for _, want := range others {
			if !ok[want] {
				return nil, refuse("upload-pack: not our ref %s", want)
			}
		}
	}
	p := &fetchPlan{grafts: map[plumbing.Hash]bool{}}
	var client []plumbing.Hash // the client's shallow commits that the server knows
	for _, h := range ur.shallows {
		if _, err := wk.commit(h); err == nil && !p.grafts[h] {
			p.grafts[h] = true
			client = append(client, h)
		}
	}
	if !ur.deepens() {
		return p, nil
	}
	if ur.depth >= infiniteDepth {
		// --unshallow: every shallow commit gets its whole history.
		return p, p.unshallowAll(wk, client, nil)
	}
	starts, depth := ur.wants, ur.depth
	if ur.relative() {
		ok, err := wk.reachable(client, tipList)
		if err != nil {
			return nil, err
		}
		starts = nil
		for _, h := range client {
			if ok[h] {
				starts = append(starts, h)
			}
		}
		depth++
	}
	notShallow, err := p.boundary(wk, starts, depth, client)
	if err != nil {
		return nil, err
	}
	return p, p.unshallowAll(wk, client, notShallow)
}

// boundary walks depth commits down from starts, breadth first so that each
// commit is reached at its least distance, and marks the commits at the
// limit as grafts. It returns the commits above the limit.
func (p *fetchPlan) boundary(wk *walker, starts []plumbing.Hash, depth int, client []plumbing.Hash) (map[plumbing.Hash]bool, error) {
	isClient := map[plumbing.Hash]bool{}
	for _, h := range client {
		isClient[h] = true
	}
	dist := map[plumbing.Hash]int{}
	var queue []plumbing.Hash
	for _, h := range starts {
		if _, ok := dist[h]; !ok {
			dist[h] = 0
			queue = append(queue, h)
		}
	}
	above := map[plumbing.Hash]bool{}
	for i := 0; i < len(queue); i++ {
		h := queue[i]
		d := dist[h]
		c, err := wk.commit(h)
		if err != nil {
			return nil, err
		}
		if d+1 >= depth {
			p.grafts[h] = true
			if !isClient[h] {
				p.shallow = append(p.shallow, h)
			}
			continue
		}
		above[h] = true
		for _, par := range c.parents {
			if _, ok := dist[par]; !ok {
				dist[par] = d + 1
				queue = append(queue, par)
			}
		}
	}
	return above, nil
}

// unshallowAll gives the client's shallow commits in deepen (all of them
// when deepen is nil) their parents: they are announced as unshallow, their
// parents become wants, and they are edges the client has. They stay grafts
// so that no walk goes down twice.
func (p *fetchPlan) unshallowAll(wk *walker, client []plumbing.Hash, deepen map[plumbing.Hash]bool) error {
	for _, h := range client {
		if deepen != nil && !deepen[h] {
			continue
		}
		c, err := wk.commit(h)
		if err != nil {
			return err
		}
		p.unshallow = append(p.unshallow, h)
		p.extraWants = append(p.extraWants, c.parents...)
		p.edges = append(p.edges, h)
	}
	return nil
}

// writeShallowInfo writes the shallow-update section: one line per new
// shallow commit and per unshallowed one, then a flush.
func (p *fetchPlan) writeShallowInfo(pe *pktline.Encoder) error {
	for _, h := range p.shallow {
		if err := pe.Encodef("shallow %s\n", h); err != nil {
			return err
		}
	}
	for _, h := range p.unshallow {
		if err := pe.Encodef("unshallow %s\n", h); err != nil {
			return err
		}
	}
	return pe.Flush()
}
